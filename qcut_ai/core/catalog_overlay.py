"""Our curated layer over fal's facts: what no schema says, applied on top of it.

`resources/model_overlay.json` holds, per model, the things only we know:
display name, vendor, tier, what it is best for, typical time, whether it is
recommended, where it sits in the panel, how fal bills it when one unit price
cannot say it (resolution/audio tables, a fee plus a per-second rate, video
tokens), cross-field rules, and the successors of a retired model. It may
also say things about a wire field that fal's schema leaves out (a prompt's
length limit, a value we always send, a field's role).

Wire facts come from fal: when the overlay and fal's schema disagree, fal
wins and the disagreement is reported (`models sync`, and a test over the
shipped snapshot keeps the shipped pair consistent).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from qcut_ai.core.catalog_fields import Bound, Constraint, FieldSpec, Role, Scalar
from qcut_ai.core.catalog_records import EndpointRecord
from qcut_ai.core.catalog_schema import (
    Category,
    ModelSpec,
    PriceRule,
    PriceSpec,
    PriceUnit,
    Tier,
)

_STRICT = ConfigDict(frozen=True, extra="forbid")
# Values the pricing rules may test that are not wire fields: they describe the
# output of an upscale, worked out from the source video (core.pricing).
_DERIVED_VALUES = frozenset({"output_height", "output_fps"})
_OUTPUT_INPUTS = ("upscale_factor", "target_fps")
_UNKNOWN_PRICE = PriceSpec(unit=PriceUnit.PER_SECOND, rates=(), grade="unknown")
_FAL_UNITS = {
    "second": PriceUnit.PER_SECOND,
    "seconds": PriceUnit.PER_SECOND,
    "video second": PriceUnit.PER_SECOND,
    "video seconds": PriceUnit.PER_SECOND,
    "video": PriceUnit.PER_VIDEO,
    "videos": PriceUnit.PER_VIDEO,
    "request": PriceUnit.PER_VIDEO,
    "requests": PriceUnit.PER_VIDEO,
    "generation": PriceUnit.PER_VIDEO,
    "generations": PriceUnit.PER_VIDEO,
}
# The roles a category's form is built around: a model placed there without
# such an input cannot be used the way the panel offers it.
_CATEGORY_NEEDS = {
    Category.FRAME_TO_VIDEO: Role.END_IMAGE,
    Category.REFERENCE_TO_VIDEO: Role.REFERENCE_IMAGES,
    Category.EXTEND: Role.VIDEO,
    Category.VIDEO_EDIT: Role.VIDEO,
    Category.LIPSYNC: Role.AUDIO,
    Category.MOTION_TRANSFER: Role.VIDEO,
    Category.UPSCALE: Role.VIDEO,
}


def fal_unit(unit: str) -> PriceUnit | None:
    """Our billing unit for the unit fal's pricing API names, when it maps to one."""
    return _FAL_UNITS.get(unit.strip().lower())


class FieldNote(BaseModel):
    """What the overlay adds to one of fal's fields (never its type, choices or default)."""

    model_config = _STRICT
    role: Role | Literal["none"] | None = None  # "none" removes a role read from the name
    send: Scalar | None = None
    priced: bool | None = None
    min_length: int | None = None
    max_length: int | None = None
    max_items: int | None = None


class CuratedModel(BaseModel):
    """One curated model: our facts about a fal endpoint."""

    model_config = _STRICT
    id: str
    endpoint: str
    name: str
    vendor: str
    family: str = ""
    category: Category
    also_in: tuple[Category, ...] = ()
    tier: Tier
    best_for: str
    typical_seconds: int
    recommended: bool = False
    audio: bool | None = None  # None: read from fal's schema (a sound switch or track)
    fixed_seconds: int | None = None
    same_aspect_frames: bool = False
    fields: dict[str, FieldNote] = {}
    constraints: tuple[Constraint, ...] = ()
    price: PriceSpec | None = None  # None: fal's unit price, else "price unknown"
    successors: tuple[str, ...] = ()
    retired_on: str | None = None  # a known retirement date, better than "first seen gone"
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # where the curated facts come from


class OverlayFile(BaseModel):
    model_config = _STRICT
    format: Literal[1]
    models: tuple[CuratedModel, ...]


def _price_from_fal(record: EndpointRecord) -> PriceSpec:
    price = record.fal_price
    unit = fal_unit(price.unit) if price is not None else None
    if price is None or unit is None:
        return _UNKNOWN_PRICE
    return PriceSpec(
        unit=unit,
        rates=(PriceRule(usd=price.unit_price),),
        grade="fal-unit",
        source=(f"fal pricing API: ${price.unit_price} per {price.unit}",),
    )


def _tested(price: PriceSpec) -> list[tuple[str, Any]]:
    """(field name, test) for every condition in a price spec."""
    tests: list[tuple[str, Any]] = []
    for when in [r.when for r in price.rates] + [a.when for a in price.adjustments]:
        tests.extend(when.items())
    return tests


def _check_values(
    model_id: str, what: str, tests: Iterable[tuple[str, Any]], fields: dict[str, FieldSpec]
) -> list[str]:
    problems = []
    for name, test in tests:
        if name in _DERIVED_VALUES:
            continue
        field = fields.get(name)
        if field is None:
            problems.append(f"{model_id}: its {what} test {name}, which fal's schema does not have")
            continue
        if isinstance(test, Bound) or field.choices is None:
            continue
        for value in test:
            if field.check(value) is not None:
                problems.append(
                    f"{model_id}: its {what} tests {name} = {value!r}, "
                    f"which fal's schema does not allow ({field.allowed_text()})"
                )
    return problems


def _apply_notes(
    curated: CuratedModel, fields: list[FieldSpec], problems: list[str]
) -> list[FieldSpec]:
    by_name = {f.name: i for i, f in enumerate(fields)}
    for name, note in curated.fields.items():
        index = by_name.get(name)
        if index is None:
            problems.append(f"{curated.id}: the overlay describes {name}, which fal's schema lacks")
            continue
        field = fields[index]
        update: dict[str, Any] = {}
        if note.role is not None:
            role = None if note.role == "none" else Role(note.role)
            for i, other in enumerate(fields):  # one field per role: the overlay's choice wins
                if role is not None and other.role == role and i != index:
                    fields[i] = other.model_copy(update={"role": None})
            update["role"] = role
        if note.send is not None:
            problem = field.check(note.send)
            if problem:
                problems.append(f"{curated.id}: the overlay sends {name} {note.send!r}: {problem}")
            else:
                update["send"] = note.send
        for limit in ("min_length", "max_length", "max_items"):
            ours = getattr(note, limit)
            theirs = getattr(field, limit)
            if ours is None:
                continue
            if theirs is not None and theirs != ours:
                problems.append(
                    f"{curated.id}: the overlay gives {name} a {limit} of {ours}, fal says {theirs}"
                )
            elif theirs is None:
                update[limit] = ours
        if note.priced is not None:
            update["priced"] = note.priced
        fields[index] = field.model_copy(update=update)
    return fields


def curate(record: EndpointRecord, curated: CuratedModel | None) -> tuple[ModelSpec, list[str]]:
    """The catalogue model for `record`, with our overlay applied, and any disagreements."""
    if curated is None:
        return _uncurated(record), []
    problems: list[str] = []
    fields = _apply_notes(curated, list(record.fields), problems)
    price = curated.price or _price_from_fal(record)
    tested = _tested(price)
    if price.unit is PriceUnit.PER_OUTPUT_MEGAPIXEL or any(
        name in _DERIVED_VALUES for name, _ in tested
    ):
        # The output size and frame rate are worked out from these (core.pricing).
        tested += [
            (name, []) for name in _OUTPUT_INPUTS if any(f.name == name for f in record.fields)
        ]
    if price.tokens is not None:
        resolution = next((f.name for f in fields if f.role is Role.RESOLUTION), None)
        if resolution:
            tested.append((resolution, list(price.tokens.frame_sizes)))
    by_name = {f.name: f for f in fields}
    problems += _check_values(curated.id, "price rule", tested, by_name)
    priced = {name for name, _ in tested}
    fields = [f.model_copy(update={"priced": True}) if f.name in priced else f for f in fields]
    by_name = {f.name: f for f in fields}
    constraints = []
    for rule in curated.constraints:
        named = list(rule.when.items()) + [(k, v) for k, v in rule.require.items()]
        found = _check_values(curated.id, "rule", named, by_name)
        if any("does not have" in p for p in found):
            problems += found
            continue  # a rule over a field fal dropped cannot be applied
        problems += found
        constraints.append(rule)
    roles = {f.role for f in fields}
    # Where a retired model sits no longer matters: no picker lists it.
    for category in () if record.retired else (curated.category, *curated.also_in):
        needed = _CATEGORY_NEEDS.get(category)
        if needed is not None and needed not in roles:
            problems.append(
                f"{curated.id}: it is placed in {category.value}, "
                f"but fal's schema has no {needed.value} input"
            )
    spec = ModelSpec(
        id=curated.id,
        name=curated.name,
        vendor=curated.vendor,
        family=curated.family,
        category=curated.category,
        also_in=curated.also_in,
        endpoint=record.endpoint_id,
        aliases=curated.aliases,
        tier=curated.tier,
        best_for=curated.best_for,
        typical_seconds=curated.typical_seconds,
        recommended=curated.recommended and not record.retired,
        audio=_has_audio(record, fields) if curated.audio is None else curated.audio,
        fixed_seconds=curated.fixed_seconds,
        same_aspect_frames=curated.same_aspect_frames,
        fields=tuple(fields),
        constraints=tuple(constraints),
        price=price,
        result_key=record.result_key,
        status="retired" if record.retired else "active",
        retired_on=(curated.retired_on or record.retired_on) if record.retired else None,
        successors=curated.successors,
        unsupported=record.unsupported,
        curated=True,
        synced_at=record.synced_at,
        fal_price=record.fal_price,
    )
    return spec, problems


def _has_audio(record: EndpointRecord, fields: Iterable[FieldSpec]) -> bool:
    """Sound in the result: fal's output carries a track, or the model has a sound switch
    on by default, or an audio input drives it."""
    if record.output == "video+audio":
        return True
    for field in fields:
        if field.role is Role.GENERATE_AUDIO and field.default is not False:
            return True
        if field.role is Role.AUDIO and field.required:
            return True
    return False


def _uncurated(record: EndpointRecord) -> ModelSpec:
    placement = record.placement or (Category.TEXT_TO_VIDEO,)
    owner = record.endpoint_id.split("/", 1)[0]
    return ModelSpec(
        id=record.endpoint_id,
        name=record.display_name or record.endpoint_id.rsplit("/", 1)[-1],
        vendor=record.vendor or owner,
        family=record.family,
        category=placement[0],
        also_in=placement[1:],
        endpoint=record.endpoint_id,
        # Not rated by us: shown as Standard, and `curated` false says so.
        tier=Tier.STANDARD,
        best_for=f"From fal's catalogue ({record.category or 'video'}); not reviewed by qcut-ai",
        typical_seconds=max(10, min(900, record.typical_seconds or 120)),
        recommended=False,
        audio=_has_audio(record, record.fields),
        fields=record.fields,
        price=_price_from_fal(record),
        result_key=record.result_key,
        status="retired" if record.retired else "active",
        retired_on=record.retired_on if record.retired else None,
        unsupported=record.unsupported,
        curated=False,
        synced_at=record.synced_at,
        fal_price=record.fal_price,
    )


def overlay_problems(overlay: OverlayFile) -> list[str]:
    """Mistakes inside the overlay itself: ids twice, successors that are not models."""
    problems = []
    ids = [m.id for m in overlay.models]
    seen: set[str] = set()
    for model_id in ids:
        if model_id in seen:
            problems.append(f"{model_id}: the overlay lists this id twice")
        seen.add(model_id)
    endpoints = [m.endpoint for m in overlay.models]
    if len(set(endpoints)) != len(endpoints):
        problems.append("the overlay curates one fal endpoint twice")
    for model in overlay.models:
        for successor in model.successors:
            if successor not in seen:
                problems.append(f"{model.id}: its successor {successor} is not in the overlay")
    return problems


def decimal_close(a: Decimal, b: Decimal, tolerance: Decimal = Decimal("0.01")) -> bool:
    """True when a and b differ by at most `tolerance` of the larger (1 % by default)."""
    top = max(abs(a), abs(b))
    return top == 0 or abs(a - b) <= tolerance * top
