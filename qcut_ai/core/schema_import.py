"""fal's per-endpoint OpenAPI document -> the wire fields of a catalogue model.

The importer follows the schema, never a guess: a string enum stays a string
enum ("5", "10"), an integer enum stays integers, defaults, limits and the
required list are taken as stated, and the field order is fal's
`x-fal-order-properties`. `$ref`, `allOf` and `anyOf`/`oneOf` are resolved
(an optional input is written `anyOf: [X, {"type": "null"}]`).

What it cannot map is never dropped silently: a structured payload becomes an
`advanced` JSON field, a media input qcut-ai has no slot for stays a plain
advanced text field, and when such an input is *required* the model is marked
"not supported yet" with the reason. A document that is hostile or broken
(a `$ref` loop, thousands of fields, an enormous enum) is refused with one
sentence (`SchemaError`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qcut_ai.core.catalog_fields import FieldSpec, FieldType, Role, Scalar
from qcut_ai.core.schema_refs import (
    MAX_NODES,
    MAX_REF_DEPTH,
    Resolver,
    SchemaError,
    listed,
    resolver_for,
)
from qcut_ai.core.schema_roles import media_kind_of, role_for

__all__ = [
    "MAX_ENUM_VALUES",
    "MAX_NODES",
    "MAX_PROPERTIES",
    "MAX_REF_DEPTH",
    "ImportedSchema",
    "SchemaError",
    "import_schema",
]

MAX_PROPERTIES = 300
MAX_ENUM_VALUES = 1_000
MAX_TEXT = 100_000  # characters in one default or enum value
# The fields a price commonly depends on: always sent, so the shown price is billed.
PRICED_ROLES = frozenset({Role.DURATION, Role.RESOLUTION, Role.GENERATE_AUDIO})

_JSON_SCALARS = (str, int, float, bool)
_VIDEO_FILE_HINTS = frozenset({"fps", "num_frames", "duration"})


@dataclass(frozen=True)
class ImportedSchema:
    """What fal's document says an endpoint takes and returns."""

    fields: tuple[FieldSpec, ...]
    output: str  # "video" or "video+audio"
    result_key: str  # the output property holding the video file
    unsupported: str | None  # set when a required input cannot be provided
    notes: tuple[str, ...]  # what was kept as advanced, or left out, and why


def _post_schema(document: Mapping[str, Any], endpoint_id: str, r: Resolver) -> Any:
    paths = document.get("paths")
    if not isinstance(paths, Mapping):
        raise r.fail("it has no paths")
    operation = paths.get("/" + endpoint_id)
    post = operation.get("post") if isinstance(operation, Mapping) else None
    if not isinstance(post, Mapping):
        raise r.fail(f"it has no POST /{endpoint_id[:120]}")
    try:
        return post["requestBody"]["content"]["application/json"]["schema"]
    except (KeyError, TypeError):
        raise r.fail("its POST has no JSON request body") from None


def _output_schema(document: Mapping[str, Any], endpoint_id: str) -> Any:
    paths = document.get("paths")
    if not isinstance(paths, Mapping):
        return None
    for path, operation in paths.items():
        if not (isinstance(path, str) and path.endswith("/requests/{request_id}")):
            continue
        try:
            return operation["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        except (KeyError, TypeError):
            return None
    return None


def _without_null(schema: dict[str, Any], r: Resolver) -> tuple[list[dict[str, Any]], bool]:
    """The non-null alternatives of an anyOf/oneOf, and whether null was one of them."""
    options = schema.get("anyOf", schema.get("oneOf"))
    if options is None:
        return [schema], False
    variants = [r.resolve(o) for o in listed(options, r)]
    real = [v for v in variants if v.get("type") != "null"]
    base = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
    return [{**v, **base} for v in real], len(real) < len(variants)


def _scalar_type(values: list[Any]) -> FieldType:
    if all(isinstance(v, bool) for v in values):
        return FieldType.BOOLEAN
    if all(isinstance(v, str) for v in values):
        return FieldType.STRING
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return FieldType.INTEGER
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return FieldType.NUMBER
    return FieldType.ENUM


_TYPES = {
    "string": FieldType.STRING,
    "integer": FieldType.INTEGER,
    "number": FieldType.NUMBER,
    "boolean": FieldType.BOOLEAN,
}


@dataclass
class _Draft:
    """One property on its way to a FieldSpec."""

    name: str
    type: FieldType
    choices: tuple[Scalar, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    max_items: int | None = None
    media: str | None = None  # image / video / audio, for unmapped media inputs
    note: str = ""


def _enum(values: Any, name: str, r: Resolver) -> list[Any]:
    if not isinstance(values, list) or not values:
        raise r.fail(f"the choices of {name!r} are not a list")
    if len(values) > MAX_ENUM_VALUES:
        raise r.fail(f"{name!r} lists {len(values):,} choices (the limit is {MAX_ENUM_VALUES:,})")
    for value in values:
        if not isinstance(value, _JSON_SCALARS) and value is not None:
            raise r.fail(f"a choice of {name!r} is not a plain value")
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise r.fail(f"a choice of {name!r} is longer than {MAX_TEXT:,} characters")
    return [v for v in values if v is not None]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _draft(name: str, schema: dict[str, Any], r: Resolver) -> _Draft:
    variants, _ = _without_null(schema, r)
    if len(variants) > 1:
        return _alternatives(name, variants, r)
    one = variants[0] if variants else {}
    if "enum" in one or "const" in one:
        values = _enum(one["enum"] if "enum" in one else [one["const"]], name, r)
        declared = _TYPES.get(str(one.get("type")))
        kind = _scalar_type(values)
        if (
            declared is not None
            and kind is not declared
            and not (declared is FieldType.NUMBER and kind is FieldType.INTEGER)
        ):
            kind = FieldType.ENUM  # values and type disagree: keep each value's own type
        elif declared is FieldType.NUMBER:
            kind = FieldType.NUMBER
        return _Draft(name, kind, choices=tuple(values), media=media_kind_of(name, one))
    type_ = one.get("type")
    if type_ in _TYPES:
        return _Draft(
            name,
            _TYPES[type_],
            minimum=_number(one.get("minimum", one.get("exclusiveMinimum"))),
            maximum=_number(one.get("maximum", one.get("exclusiveMaximum"))),
            min_length=_count(one.get("minLength")),
            max_length=_count(one.get("maxLength")),
            media=media_kind_of(name, one) if type_ == "string" else None,
        )
    if type_ == "array":
        items = r.resolve(one.get("items", {}))
        item_variants, _ = _without_null(items, r)
        if len(item_variants) == 1 and item_variants[0].get("type") == "string":
            media = media_kind_of(name, items) or media_kind_of(name, item_variants[0])
            return _Draft(
                name, FieldType.STRING_LIST, max_items=_count(one.get("maxItems")), media=media
            )
        return _Draft(name, FieldType.JSON, max_items=_count(one.get("maxItems")))
    return _Draft(name, FieldType.JSON, note=f"{name}: a structured input, kept as JSON")


def _alternatives(name: str, variants: list[dict[str, Any]], r: Resolver) -> _Draft:
    """anyOf with several real alternatives: scalar enums merge; an object is set aside."""
    scalars = [v for v in variants if "enum" in v or "const" in v]
    others = [v for v in variants if v not in scalars]
    if scalars:
        values: list[Any] = []
        for variant in scalars:
            values += _enum(variant.get("enum", [variant.get("const")]), name, r)
        note = ""
        if others:
            note = f"{name}: only its listed choices are offered (fal also takes an object)"
        return _Draft(name, _scalar_type(values), choices=tuple(values), note=note)
    kinds = {str(v.get("type")) for v in variants}
    if kinds <= {"integer", "number"}:
        return _Draft(name, FieldType.NUMBER)
    return _Draft(name, FieldType.JSON, note=f"{name}: several shapes are allowed, kept as JSON")


def _default(draft: _Draft, schema: dict[str, Any], notes: list[str]) -> Scalar | None:
    if "default" not in schema or schema["default"] is None:
        return None
    value = schema["default"]
    if isinstance(value, str) and len(value) > MAX_TEXT:
        notes.append(f"{draft.name}: its default is too long to keep")
        return None
    if not isinstance(value, _JSON_SCALARS):
        return None  # object/array defaults are fal's business: we send nothing
    return value


def import_schema(document: Any, endpoint_id: str) -> ImportedSchema:
    """The wire fields, output kind and support status fal's document states."""
    r = resolver_for(document, endpoint_id)
    if not isinstance(document, Mapping) or "openapi" not in document:
        raise r.fail("it is not an OpenAPI document")
    body = r.resolve(_post_schema(document, endpoint_id, r))
    properties = body.get("properties", {})
    if not isinstance(properties, Mapping):
        raise r.fail("its input properties are not an object")
    if len(properties) > MAX_PROPERTIES:
        raise r.fail(f"it has {len(properties):,} inputs (the limit is {MAX_PROPERTIES})")
    required = body.get("required", [])
    if not isinstance(required, list) or not all(isinstance(n, str) for n in required):
        raise r.fail("its list of required inputs is not a list of names")
    order = _order(body, properties)
    notes: list[str] = []
    drafts: list[tuple[_Draft, dict[str, Any]]] = []
    for name in order:
        if not isinstance(name, str) or not name or len(name) > 200:
            raise r.fail("an input has no usable name")
        schema = r.resolve(properties[name])
        drafts.append((_draft(name, schema, r), schema))
    fields, unsupported = _fields(drafts, set(required), notes)
    output, result_key = _output(document, endpoint_id, r)
    if result_key is None:
        raise r.fail("its result holds no video file")
    return ImportedSchema(tuple(fields), output, result_key, unsupported, tuple(notes))


def _order(body: Mapping[str, Any], properties: Mapping[str, Any]) -> list[str]:
    stated = body.get("x-fal-order-properties")
    names = list(properties)
    if not isinstance(stated, list):
        return names
    ordered = [n for n in stated if isinstance(n, str) and n in properties]
    return ordered + [n for n in names if n not in ordered]


def _fields(
    drafts: list[tuple[_Draft, dict[str, Any]]], required: set[str], notes: list[str]
) -> tuple[list[FieldSpec], str | None]:
    fields: list[FieldSpec] = []
    taken: set[Role] = set()
    unsupported: list[str] = []
    for draft, schema in drafts:
        role = role_for(draft.name, draft.type, draft.media)
        if role is not None and role in taken:
            notes.append(f"{draft.name}: a second {role.value} input, kept as an advanced field")
            role = None
        if role is not None:
            taken.add(role)
        is_required = draft.name in required
        advanced = role is None and (draft.type is FieldType.JSON or draft.media is not None)
        if draft.note:
            notes.append(draft.note)
        if is_required and advanced:
            what = "a structured input" if draft.type is FieldType.JSON else "a media input"
            unsupported.append(f"it needs {draft.name}, {what} qcut-ai cannot provide yet")
        spec = _spec(draft, schema, role, is_required, advanced, notes)
        fields.append(spec)
    reason = "; ".join(unsupported) if unsupported else None
    return fields, reason


def _spec(
    draft: _Draft,
    schema: dict[str, Any],
    role: Role | None,
    required: bool,
    advanced: bool,
    notes: list[str],
) -> FieldSpec:
    default = _default(draft, schema, notes)
    values: dict[str, Any] = {
        "name": draft.name,
        "type": draft.type,
        "role": role,
        "required": required,
        "choices": draft.choices,
        "min": draft.minimum,
        "max": draft.maximum,
        "min_length": draft.min_length,
        "max_length": draft.max_length,
        "max_items": draft.max_items,
        "priced": role in PRICED_ROLES,
        "advanced": advanced,
    }
    try:
        return FieldSpec(**values, default=default)
    except ValueError:
        # fal's default does not fit fal's own field: send nothing, let fal decide.
        notes.append(f"{draft.name}: its default {default!r} does not fit its own schema")
        return FieldSpec(**values)


def _output(document: Mapping[str, Any], endpoint_id: str, r: Resolver) -> tuple[str, str | None]:
    """("video" or "video+audio", the property holding the video file)."""
    raw = _output_schema(document, endpoint_id)
    if raw is None:
        return "video", None
    schema = r.resolve(raw)
    properties = schema.get("properties", {})
    if not isinstance(properties, Mapping):
        return "video", None
    key = None
    audio = False
    for name, prop in properties.items():
        resolved = r.resolve(prop)
        variants, _ = _without_null(resolved, r)
        target = variants[0] if variants else resolved
        inner = target.get("properties", {})
        is_file = isinstance(inner, Mapping) and "url" in inner
        if key is None and is_file and (name == "video" or _VIDEO_FILE_HINTS & set(inner)):
            key = name
        elif is_file and "audio" in str(name):
            audio = True
    return ("video+audio" if audio else "video"), key
