"""Every curated model against fal's own facts: default arguments, every choice, wrong values.

The expectations are read from the registry records the stand-in serves
(fal's inputs with wire types, enums, defaults and limits), not from the
catalogue under test, so an importer or overlay slip shows up as a
difference from what fal states.
"""

from __future__ import annotations

from typing import Any

import pytest

from qcut_ai.core.catalog import FieldType, ModelSpec, Role, load_catalog
from qcut_ai.core.errors import InvalidRequestError
from qcut_ai.core.requests import GenerationRequest, build_arguments
from qcut_ai.services.rehearsal.registry import recorded_endpoints

CATALOG = load_catalog()
FACTS = {r["endpoint_id"]: r for r in recorded_endpoints()}
CURATED = [s for s in CATALOG if s.endpoint in FACTS]
IMAGE = "https://example.com/first.png"
MEDIA = {
    Role.IMAGE: IMAGE,
    Role.END_IMAGE: "https://example.com/last.png",
    Role.AUDIO: "https://example.com/voice.mp3",
    Role.VIDEO: "https://example.com/clip.mp4",
}
PROMPT = "a red fox running through fresh snow"
# Sent whatever fal's default: they carry price or framing (the form's options).
FORM_ROLES = (Role.DURATION, Role.RESOLUTION, Role.ASPECT_RATIO, Role.GENERATE_AUDIO)


def ids(specs: list[ModelSpec]) -> list[str]:
    return [s.id for s in specs]


def required_inputs(spec: ModelSpec) -> tuple[GenerationRequest, dict[str, Any]]:
    """A request giving every input fal requires, and the wire values it sends."""
    request: dict[str, Any] = {}
    extras: dict[str, Any] = {}
    wire: dict[str, Any] = {}
    for fact in FACTS[spec.endpoint]["inputs"]:
        if not fact["required"]:
            continue
        field = spec.field(fact["name"])
        assert field is not None, fact["name"]
        if field.role is Role.PROMPT:
            request["prompt"], wire[field.name] = PROMPT, PROMPT
        elif field.role is Role.REFERENCE_IMAGES:
            request["reference_images"], wire[field.name] = [IMAGE], [IMAGE]
        elif field.role in MEDIA:
            request[field.role.value] = wire[field.name] = MEDIA[field.role]
        else:  # e.g. Kling motion control's character_orientation: set as a model field
            value = fact["enum"][0] if fact["enum"] else "x"
            extras[field.name] = wire[field.name] = value
    return GenerationRequest(**request, extras=extras), wire


def expected_defaults(spec: ModelSpec) -> dict[str, Any]:
    """fal's own default of every field the catalogue sends, in fal's wire type."""
    sent: dict[str, Any] = {}
    for fact in FACTS[spec.endpoint]["inputs"]:
        field = spec.field(fact["name"])
        assert field is not None
        if field.send is not None:
            sent[field.name] = field.send
        elif fact["default"] is not None and (field.priced or field.role in FORM_ROLES):
            if field.role is Role.DURATION and not field.priced:
                continue
            sent[field.name] = fact["default"]
    return sent


@pytest.mark.parametrize("spec", CURATED, ids=ids(CURATED))
def test_default_request_sends_fals_defaults_in_fals_wire_types(spec: ModelSpec) -> None:
    inputs, wire = required_inputs(spec)
    defaults = spec.default_request().model_dump(exclude_none=True)
    request = inputs.model_copy(update={k: v for k, v in defaults.items() if k != "extras"})
    arguments = build_arguments(spec, request)
    expected = {**expected_defaults(spec), **wire}
    assert arguments == expected
    for name, value in expected.items():  # 30 is not 30.0 and "5" is not 5
        assert type(arguments[name]) is type(value), name


def _enum_cases() -> list[tuple[ModelSpec, str, Any]]:
    cases = []
    for spec in CURATED:
        for fact in FACTS[spec.endpoint]["inputs"]:
            for value in fact["enum"] or ():
                cases.append((spec, fact["name"], value))
    return cases


def test_every_enum_value_fal_lists_is_accepted() -> None:
    cases = _enum_cases()
    assert len(cases) > 1000
    refused = []
    for spec, name, value in cases:
        field = spec.field(name)
        problem = field.check(value) if field is not None else "missing"
        if problem is not None:
            refused.append(f"{spec.id} {name}={value!r}: {problem}")
    assert refused == []


_WRONG = {
    FieldType.STRING: 123,
    FieldType.INTEGER: "5",
    FieldType.NUMBER: "fast",
    FieldType.BOOLEAN: "yes",
    FieldType.STRING_LIST: "one.png",
    FieldType.ENUM: [1],
    FieldType.JSON: "text",
}


def _refusal(spec: ModelSpec, name: str, value: Any) -> str:
    inputs, _ = required_inputs(spec)
    request = inputs.model_copy(update={"extras": {**inputs.extras, name: value}})
    with pytest.raises(InvalidRequestError) as caught:
        build_arguments(spec, request)
    return caught.value.user_text()


@pytest.mark.parametrize("spec", CURATED, ids=ids(CURATED))
def test_a_wrong_type_and_an_out_of_range_value_are_refused(spec: ModelSpec) -> None:
    checked = 0
    for fact in FACTS[spec.endpoint]["inputs"]:
        field = spec.field(fact["name"])
        assert field is not None
        if field.role is not None and field.role is not Role.DURATION and field.role in MEDIA:
            continue  # media inputs are given as files or URLs, checked by the uploader
        assert field.name in _refusal(spec, field.name, _WRONG[field.type])
        checked += 1
        if fact["enum"]:
            sample = fact["enum"][0]
            outside = "not-a-choice" if isinstance(sample, str) else 10**6
            assert "is not allowed" in _refusal(spec, field.name, outside)
        elif fact["max"] is not None:
            assert "out of range" in _refusal(spec, field.name, fact["max"] + 1)
        elif fact["min"] is not None:
            assert "out of range" in _refusal(spec, field.name, fact["min"] - 1)
    media_only = all(spec.field(f["name"]).role in MEDIA for f in FACTS[spec.endpoint]["inputs"])  # type: ignore[union-attr]
    assert checked or media_only


def test_known_wire_types_that_once_went_out_wrong() -> None:
    upscaler = CATALOG.get("bytedance-upscaler")
    arguments = build_arguments(upscaler, GenerationRequest(video="https://e/x.mp4"))
    assert arguments["target_fps"] == 30 and type(arguments["target_fps"]) is int
    with pytest.raises(InvalidRequestError, match="'30fps' is str"):
        build_arguments(
            upscaler, GenerationRequest(video="https://e/x.mp4", extras={"target_fps": "30fps"})
        )
    assert (
        build_arguments(
            upscaler,
            GenerationRequest(video="https://e/x.mp4", extras={"target_fps": 60, "bit_depth": 10}),
        )["bit_depth"]
        == 10
    )
    i2v = CATALOG.get("seedance-pro-i2v")
    sent = build_arguments(
        i2v, i2v.default_request().model_copy(update={"prompt": PROMPT, "image": IMAGE})
    )
    assert sent["resolution"] == "1080p"


def test_seedance_2_auto_length_is_sent_as_auto() -> None:
    spec = CATALOG.get("seedance-2.0")
    assert spec.durations() == tuple(range(4, 16))
    sent = build_arguments(spec, spec.default_request().model_copy(update={"prompt": PROMPT}))
    assert sent["duration"] == "auto"
    assert build_arguments(spec, GenerationRequest(prompt=PROMPT, duration=7))["duration"] == "7"


def test_reference_images_go_out_as_a_list_with_fals_limit() -> None:
    spec = CATALOG.get("happy-horse-1.1-ref")
    sent = build_arguments(spec, GenerationRequest(prompt=PROMPT, reference_images=[IMAGE, IMAGE]))
    assert sent["image_urls"] == [IMAGE, IMAGE]
    with pytest.raises(InvalidRequestError, match="reference_images: is required"):
        build_arguments(spec, GenerationRequest(prompt=PROMPT))
