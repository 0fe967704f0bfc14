"""Local `$ref`s, `allOf` and lists in a fal OpenAPI document, followed with guards.

A document is data from the network: a `$ref` that refers back to itself,
references nested without end, or a schema that explodes into hundreds of
thousands of parts must end in one sentence, not a hang or a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qcut_ai.core.errors import QcutError

MAX_REF_DEPTH = 32
MAX_NODES = 50_000  # schema nodes visited per document: bounds anyOf/allOf blow-ups


class SchemaError(QcutError):
    """fal's schema for an endpoint cannot be used; the message says why."""


class Resolver:
    """Follows local `$ref`s with loop and depth guards, counting every node."""

    def __init__(self, document: Mapping[str, Any], endpoint_id: str) -> None:
        self.document = document
        self.endpoint_id = endpoint_id
        self.nodes = 0

    def fail(self, why: str) -> SchemaError:
        return SchemaError(
            f"fal's schema for {self.endpoint_id} was refused: {why}.",
            hint="The rest of the catalogue was updated; this model keeps its last known form.",
        )

    def count(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(f"it has more than {MAX_NODES:,} schema parts")

    def lookup(self, ref: str) -> Mapping[str, Any]:
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise self.fail(f"it refers to {str(ref)[:80]!r}, outside the document")
        node: Any = self.document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or part not in node:
                raise self.fail(f"it refers to {ref[:80]!r}, which does not exist")
            node = node[part]
        if not isinstance(node, Mapping):
            raise self.fail(f"{ref[:80]!r} is not a schema")
        return node

    def resolve(self, schema: Any, seen: tuple[str, ...] = ()) -> dict[str, Any]:
        """The schema with `$ref` and `allOf` merged in (siblings of a `$ref` win)."""
        self.count()
        if not isinstance(schema, Mapping):
            raise self.fail("a property's schema is not an object")
        if len(seen) > MAX_REF_DEPTH:
            raise self.fail(f"its references nest deeper than {MAX_REF_DEPTH}")
        merged: dict[str, Any] = {}
        ref = schema.get("$ref")
        if ref is not None:
            if ref in seen:
                raise self.fail(f"{ref[:80]!r} refers back to itself")
            merged.update(self.resolve(self.lookup(ref), (*seen, ref)))
        for part in listed(schema.get("allOf"), self):
            merged = _merge(merged, self.resolve(part, seen))
        merged.update({k: v for k, v in schema.items() if k not in ("$ref", "allOf")})
        return merged


def listed(value: Any, resolver: Resolver) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise resolver.fail("an allOf/anyOf/oneOf is not a list")
    return value


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if key == "properties" and isinstance(out.get(key), Mapping) and isinstance(value, Mapping):
            out[key] = {**out[key], **value}
        elif key == "required" and isinstance(out.get(key), list) and isinstance(value, list):
            out[key] = [*out[key], *(v for v in value if v not in out[key])]
        else:
            out[key] = value
    return out


def resolver_for(document: Any, endpoint_id: str) -> Resolver:
    return Resolver(document if isinstance(document, Mapping) else {}, endpoint_id)
