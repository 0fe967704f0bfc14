"""Generation requests, checked against a model and turned into fal's exact arguments.

What is sent: every option the caller set, the catalogue's own `send` values,
and the defaults of `priced` fields (duration, resolution, audio, ...), so the
price shown is the price fal bills. Every other field is left out and fal
applies its own default. Fields the model does not have are never sent.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from qcut_ai.core.catalog_schema import (
    FieldSpec,
    FieldType,
    ModelSpec,
    Role,
    condition_holds,
    seconds_or_none,
    show,
)
from qcut_ai.core.errors import FieldError, InvalidRequestError
from qcut_ai.core.options import CombinedOptions, FittedChoice, combined_options

__all__ = [
    "CombinedOptions",
    "FittedChoice",
    "GenerationRequest",
    "build_arguments",
    "combined_options",
    "default_request",
]

# Two frames count as the same shape when their aspect ratios differ by less
# than this (rounding of odd pixel sizes).
_ASPECT_TOLERANCE = 0.01


class GenerationRequest(BaseModel):
    """What the user asked for, in model-neutral terms.

    Media values are a local path or a URL and are passed through as the value
    of the model's field (uploading is the gateway's job). `extras` holds
    model-specific fields by their wire name, with wire-typed values.
    """

    model_config = ConfigDict(strict=True, extra="forbid")
    prompt: str | None = None
    negative_prompt: str | None = None
    image: str | None = None
    end_image: str | None = None
    audio: str | None = None
    video: str | None = None
    duration: int | None = None
    resolution: str | None = None
    aspect_ratio: str | None = None
    generate_audio: bool | None = None
    seed: int | None = None
    reference_images: list[str] | None = None
    extras: dict[str, Any] = Field(default_factory=dict)


def default_request(spec: ModelSpec) -> GenerationRequest:
    """Each option the model has, at the model's documented default."""
    values: dict[str, Any] = {}
    duration = spec.field_for(Role.DURATION)
    seconds = seconds_or_none(duration.default) if duration is not None else None
    if seconds is not None:  # a default such as "auto" names no length: sent as it is
        values["duration"] = seconds
    for role in (Role.RESOLUTION, Role.ASPECT_RATIO, Role.GENERATE_AUDIO):
        field = spec.field_for(role)
        if field is not None and field.default is not None:
            values[role.value] = field.default
    return GenerationRequest(**values)


def _duration_to_wire(field: FieldSpec, seconds: int) -> tuple[Any, str | None]:
    if field.choices is None:
        if field.type in (FieldType.INTEGER, FieldType.NUMBER):
            return seconds, None
        # A free-text length is written the way fal's own default is ("7s" or "7").
        suffix = "s" if isinstance(field.default, str) and field.default.endswith("s") else ""
        return f"{seconds}{suffix}", None
    for choice in field.choices:
        if seconds_or_none(choice) == seconds:
            return choice, None
    lengths = (seconds_or_none(c) for c in field.choices)
    offered = ", ".join(str(s) for s in lengths if s is not None)
    return seconds, f"{seconds} s is not offered; choose {offered} s"


def _frame_shape_error(image_size: tuple[int, int], end_size: tuple[int, int]) -> FieldError | None:
    (w1, h1), (w2, h2) = image_size, end_size
    if min(w1, h1, w2, h2) <= 0:
        return None
    first, last = w1 / h1, w2 / h2
    if abs(first - last) / first <= _ASPECT_TOLERANCE:
        return None
    return FieldError(
        "end_image",
        f"{w2}x{h2}",
        f"its shape ({w2}x{h2}) does not match the first frame ({w1}x{h1}); "
        "crop both frames to the same aspect ratio",
    )


def build_arguments(
    spec: ModelSpec,
    request: GenerationRequest,
    *,
    image_size: tuple[int, int] | None = None,
    end_image_size: tuple[int, int] | None = None,
    require_inputs: bool = True,
) -> dict[str, Any]:
    """The exact arguments fal expects for `request`, or InvalidRequestError listing every problem.

    `image_size`/`end_image_size` (pixels, read by the caller) let first/last-frame
    models refuse frames of different shapes. `require_inputs=False` skips the
    check for a missing prompt or media, for pricing a form before it is filled in.
    """
    errors: list[FieldError] = []
    given: dict[str, Any] = {}
    label: dict[str, str] = {}  # wire name -> the name the user knows it by

    for role in Role:
        value = getattr(request, role.value)
        if value is None:
            continue
        field = spec.field_for(role)
        if field is None:
            errors.append(FieldError(role.value, value, f"{spec.name} has no {role.value} option"))
            continue
        if role in (Role.PROMPT, Role.NEGATIVE_PROMPT) and not value.strip():
            if field.required:
                errors.append(FieldError(role.value, value, "is empty; describe what you want"))
            continue  # an optional prompt left blank is simply not sent
        if role is Role.DURATION:
            value, problem = _duration_to_wire(field, value)
            if problem:
                errors.append(FieldError("duration", value, problem))
                continue
        given[field.name] = value
        label[field.name] = role.value

    for name, value in request.extras.items():
        field = spec.field(name)
        if field is None:
            close = difflib.get_close_matches(name, [f.name for f in spec.fields], n=2)
            allowed = ", ".join(close) if close else ", ".join(f.name for f in spec.fields)
            what = "did you mean" if close else "its fields are"
            errors.append(
                FieldError(name, value, f"{spec.name} has no such field; {what} {allowed}")
            )
        elif name in given:
            errors.append(FieldError(name, value, f"is also set as {label[name]}; set it once"))
        else:
            given[name] = value
            label[name] = name

    for name, value in given.items():
        checked = spec.field(name)
        problem = checked.check(value) if checked else None
        if problem:
            errors.append(FieldError(label[name], value, problem))

    if require_inputs:
        for field in spec.fields:
            if field.required and field.name not in given:
                who = field.role.value if field.role else field.name
                errors.append(FieldError(who, None, f"is required by {spec.name}"))

    arguments: dict[str, Any] = {}
    for field in spec.fields:
        if field.name in given:
            arguments[field.name] = given[field.name]
        elif field.send is not None:
            arguments[field.name] = field.send
        elif field.priced and field.default is not None:
            arguments[field.name] = field.default

    effective = {f.name: f.default for f in spec.fields if f.default is not None} | arguments
    # Cross-field rules only make sense once each value is valid on its own.
    for rule in spec.constraints if not errors else ():
        if not condition_holds(rule.when, effective):
            continue
        for name, permitted in rule.require.items():
            current = effective.get(name)
            if current not in permitted:
                shown = ", ".join(show(a) for a in permitted)
                errors.append(
                    FieldError(label.get(name, name), current, f"{rule.message}; use {shown}")
                )

    if (
        spec.same_aspect_frames
        and request.end_image is not None
        and image_size is not None
        and end_image_size is not None
    ):
        mismatch = _frame_shape_error(image_size, end_image_size)
        if mismatch:
            errors.append(mismatch)

    if errors:
        raise InvalidRequestError(errors, model=spec.name)
    return arguments
