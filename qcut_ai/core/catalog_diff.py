"""What changed between two copies of fal's facts for one endpoint, field by field.

`models sync` prints these lines, and they are kept in the sync's
`CatalogChange`, so "what changed at fal" can be shown later too.
"""

from __future__ import annotations

from typing import Any

from qcut_ai.core.catalog_fields import FieldSpec, show
from qcut_ai.core.catalog_records import EndpointRecord

_COMPARED = ("type", "required", "default", "min", "max", "max_items", "min_length", "max_length")


def _value(value: Any) -> str:
    if value is None:
        return "none"
    return show(value.value if hasattr(value, "value") else value)


def _choices(old: FieldSpec, new: FieldSpec) -> list[str]:
    before, after = list(old.choices or ()), list(new.choices or ())
    if before == after:
        return []
    if old.choices is None or new.choices is None:
        return [f"{new.name}: choices {_value(old.choices)} -> {_value(new.choices)}"]
    added = [c for c in after if not any(c == b and type(c) is type(b) for b in before)]
    gone = [c for c in before if not any(c == a and type(c) is type(a) for a in after)]
    parts = []
    if added:
        parts.append("+ " + ", ".join(show(c) for c in added))
    if gone:
        parts.append("- " + ", ".join(show(c) for c in gone))
    if not parts:
        parts.append("reordered")
    return [f"{new.name}: choices {' '.join(parts)}"]


def field_changes(old: EndpointRecord, new: EndpointRecord) -> list[str]:
    """One line per difference in the wire facts ("target_fps: type string -> number")."""
    lines: list[str] = []
    before = {f.name: f for f in old.fields}
    after = {f.name: f for f in new.fields}
    for name in after:
        if name not in before:
            lines.append(f"{name}: new input ({after[name].allowed_text()})")
    for name in before:
        if name not in after:
            lines.append(f"{name}: input removed")
    for name, was in before.items():
        now = after.get(name)
        if now is None:
            continue
        for attribute in _COMPARED:
            a, b = getattr(was, attribute), getattr(now, attribute)
            if a != b or type(a) is not type(b):
                lines.append(f"{name}: {attribute} {_value(a)} -> {_value(b)}")
        lines += _choices(was, now)
    if old.output != new.output:
        lines.append(f"output: {old.output} -> {new.output}")
    if old.unsupported != new.unsupported:
        lines.append(f"support: {new.unsupported or 'supported now'}")
    return lines


def price_change(old: EndpointRecord, new: EndpointRecord) -> list[str]:
    """A moved unit price; the first price fal gives for an endpoint is not a change."""
    a, b = old.fal_price, new.fal_price
    if a is None or b is None or (a.unit_price, a.unit) == (b.unit_price, b.unit):
        return []
    return [f"unit price: ${a.unit_price} per {a.unit} -> ${b.unit_price} per {b.unit}"]
