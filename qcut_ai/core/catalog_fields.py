"""Wire fields of a catalogue model: types, limits, and the tests rules are built from.

A field knows its wire type (fal refuses `"5"` where it wants `5`), its choices
and limits, and which `GenerationRequest` option it carries (its role).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from qcut_ai.core.catalog_kinds import Role

Scalar = bool | int | float | str


class FieldType(StrEnum):
    """Wire types, as fal's schema states them."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    STRING_LIST = "string_list"
    # One of the listed choices, each sent with its own JSON type (fal mixes
    # integers and "auto" in some duration enums: [6, 8, 10, "auto"]).
    ENUM = "enum"
    # An object or array payload (LoRA lists, multi-shot prompts): sent as given.
    JSON = "json"


_TYPE_WORDS = {
    FieldType.STRING: "text",
    FieldType.INTEGER: "a whole number",
    FieldType.NUMBER: "a number",
    FieldType.BOOLEAN: "true or false",
    FieldType.STRING_LIST: "a list of texts",
    FieldType.ENUM: "one of the listed values",
    FieldType.JSON: "a JSON object or list",
}

_STRICT = ConfigDict(frozen=True, extra="forbid")


def seconds_of(wire_duration: Any) -> int:
    """Seconds meant by a wire duration: 8, "8" and "8s" all mean 8."""
    return int(str(wire_duration).removesuffix("s"))


def seconds_or_none(wire_duration: Any) -> int | None:
    """Like `seconds_of`, but None for a choice such as "auto" that names no length."""
    if isinstance(wire_duration, bool):
        return None
    try:
        return seconds_of(wire_duration)
    except ValueError:
        return None


def show(value: Any) -> str:
    """A wire value as the user should type it: strings quoted, numbers bare."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def is_wire_type(value: Any, type_: FieldType) -> bool:
    """True when `value` is sent as `type_` (a bool is never a number here)."""
    if type_ is FieldType.STRING:
        return isinstance(value, str)
    if type_ is FieldType.BOOLEAN:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if type_ is FieldType.INTEGER:
        return isinstance(value, int)
    if type_ is FieldType.NUMBER:
        return isinstance(value, int | float) and math.isfinite(value)
    if type_ is FieldType.ENUM:
        return isinstance(value, str | int | float)
    if type_ is FieldType.JSON:
        return isinstance(value, dict | list)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


class Bound(BaseModel):
    """A numeric test in a condition, e.g. {"gt": 10}."""

    model_config = _STRICT
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None

    def holds(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            value = seconds_or_none(value)
            if value is None:
                return False
        checks = (
            (self.gt, lambda b: value > b),
            (self.gte, lambda b: value >= b),
            (self.lt, lambda b: value < b),
            (self.lte, lambda b: value <= b),
        )
        return all(check(b) for b, check in checks if b is not None)


Condition = dict[str, list[Scalar] | Bound]


def condition_holds(when: Condition, values: Mapping[str, Any]) -> bool:
    """True when every named value passes its test (a list means "one of")."""
    for name, test in when.items():
        if name not in values:
            return False
        value = values[name]
        if isinstance(test, Bound):
            if not test.holds(value):
                return False
        elif not any(value == t and type(value) is type(t) for t in test):
            return False
    return True


class FieldSpec(BaseModel):
    """One wire input of a model.

    `priced` fields are always sent (their default when the caller sets none),
    so the price we show is the price fal bills. `send` is the catalogue's own
    choice, sent when the caller sets nothing (e.g. keep the sound when upscaling).
    `advanced` fields are fal inputs qcut-ai has no control for (structured
    payloads, masks): shown with the model's other fields, never guessed at.
    """

    model_config = _STRICT
    name: str
    type: FieldType
    role: Role | None = None
    required: bool = False
    choices: tuple[Scalar, ...] | None = None
    default: Scalar | None = None
    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    max_items: int | None = None
    priced: bool = False
    send: Scalar | None = None
    advanced: bool = False

    @model_validator(mode="after")
    def _wire_types_agree(self) -> FieldSpec:
        for label, value in (("default", self.default), ("send", self.send)):
            if value is not None and self.check(value):
                raise ValueError(f"{self.name}: {label} {value!r} fails its own field")
        for choice in self.choices or ():
            if not is_wire_type(choice, self.type):
                raise ValueError(f"{self.name}: choice {choice!r} is not {self.type}")
        return self

    def allowed_text(self) -> str:
        """What the field accepts, in words."""
        if self.choices is not None:
            return "one of " + ", ".join(show(c) for c in self.choices)
        parts = [_TYPE_WORDS[self.type]]
        if self.min is not None and self.max is not None:
            parts.append(f"from {self.min:g} to {self.max:g}")
        elif self.min is not None:
            parts.append(f"of at least {self.min:g}")
        elif self.max is not None:
            parts.append(f"of at most {self.max:g}")
        if self.max_length is not None:
            parts.append(f"of at most {self.max_length:,} characters")
        if self.max_items is not None:
            parts.append(f"with at most {self.max_items} items")
        return " ".join(parts)

    def check(self, value: Any) -> str | None:
        """Why `value` cannot be sent in this field, or None when it can."""
        if not is_wire_type(value, self.type):
            return f"{show(value)} is {type(value).__name__}; it must be {self.allowed_text()}"
        if self.choices is not None and not any(
            value == c and type(value) is type(c) for c in self.choices
        ):
            return f"{show(value)} is not allowed; choose {self.allowed_text()}"
        if self.type in (FieldType.INTEGER, FieldType.NUMBER) and (
            (self.min is not None and value < self.min)
            or (self.max is not None and value > self.max)
        ):
            return f"{value} is out of range; it must be {self.allowed_text()}"
        if isinstance(value, str):
            if self.max_length is not None and len(value) > self.max_length:
                return f"{len(value):,} characters is over the limit of {self.max_length:,}"
            if self.min_length is not None and len(value) < self.min_length:
                return f"{show(value)} is too short; it needs {self.min_length}+ characters"
        if isinstance(value, list) and self.max_items is not None and len(value) > self.max_items:
            return f"{len(value)} items is over the limit of {self.max_items}"
        return None


class Constraint(BaseModel):
    """A rule across fields: when `when` holds, each named field must be one of `require`."""

    model_config = _STRICT
    when: Condition
    require: dict[str, list[Scalar]]
    message: str
