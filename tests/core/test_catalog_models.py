"""Every catalogue model, one by one: default arguments, choices, wrong types, limits.

The expected arguments are written out by hand from fal's schemas (the
reference fal-models.json): required inputs, the documented defaults of the
options we always send, and the catalogue's own `send` values.
"""

from __future__ import annotations

from typing import Any

import pytest

from qcut_ai.core.catalog import FieldType, load_catalog
from qcut_ai.core.errors import InvalidRequestError
from qcut_ai.core.requests import GenerationRequest, build_arguments

PROMPT = "a red fox running through fresh snow"
IMAGE = "https://example.com/first.png"
END_IMAGE = "https://example.com/last.png"
AUDIO = "https://example.com/voice.mp3"
VIDEO = "https://example.com/clip.mp4"
VIDEO_ID = "video_123"

EXPECTED_DEFAULT_ARGUMENTS: dict[str, dict[str, Any]] = {
    "sora-2": {
        "prompt": PROMPT,
        "aspect_ratio": "16:9",
        "resolution": "720p",
        "duration": 4,
        "delete_video": False,
    },
    "sora-2-pro": {
        "prompt": PROMPT,
        "duration": 4,
        "aspect_ratio": "16:9",
        "resolution": "1080p",
        "delete_video": False,
    },
    "veo3.1-fast": {
        "prompt": PROMPT,
        "aspect_ratio": "16:9",
        "resolution": "720p",
        "generate_audio": True,
        "duration": "8s",
    },
    "veo3.1": {
        "prompt": PROMPT,
        "aspect_ratio": "16:9",
        "resolution": "720p",
        "generate_audio": True,
        "duration": "8s",
    },
    "veo3-fast": {
        "prompt": PROMPT,
        "resolution": "720p",
        "duration": "8s",
        "generate_audio": True,
        "aspect_ratio": "16:9",
    },
    "veo3": {
        "prompt": PROMPT,
        "resolution": "720p",
        "duration": "8s",
        "generate_audio": True,
        "aspect_ratio": "16:9",
    },
    "ltx-2": {
        "prompt": PROMPT,
        "generate_audio": True,
        "resolution": "1080p",
        "duration": 6,
        "aspect_ratio": "16:9",
    },
    "ltx-2-fast": {
        "prompt": PROMPT,
        "generate_audio": True,
        "resolution": "1080p",
        "duration": 6,
        "aspect_ratio": "16:9",
    },
    "hailuo-02-standard": {"prompt": PROMPT, "duration": "6"},
    "hailuo-02-pro": {"prompt": PROMPT},
    "hailuo-2.3-standard": {"prompt": PROMPT, "duration": "6"},
    "hailuo-2.3-pro": {"prompt": PROMPT},
    "seedance-lite": {
        "prompt": PROMPT,
        "duration": "5",
        "aspect_ratio": "16:9",
        "resolution": "720p",
    },
    "seedance-pro": {
        "prompt": PROMPT,
        "duration": "5",
        "aspect_ratio": "16:9",
        "resolution": "1080p",
    },
    "kling-2.1-master": {"prompt": PROMPT, "duration": "5", "aspect_ratio": "16:9"},
    "kling-2.5-turbo-pro": {"prompt": PROMPT, "duration": "5", "aspect_ratio": "16:9"},
    "kling-2.6-pro": {
        "prompt": PROMPT,
        "duration": "5",
        "aspect_ratio": "16:9",
        "generate_audio": True,
    },
    "wan-2.5": {"prompt": PROMPT, "resolution": "1080p", "duration": "5", "aspect_ratio": "16:9"},
    "wan-2.2-turbo": {"prompt": PROMPT, "resolution": "720p", "aspect_ratio": "16:9"},
    "sora-2-i2v": {
        "prompt": PROMPT,
        "image_url": IMAGE,
        "resolution": "auto",
        "aspect_ratio": "auto",
        "duration": 4,
        "delete_video": False,
    },
    "sora-2-pro-i2v": {
        "prompt": PROMPT,
        "image_url": IMAGE,
        "resolution": "auto",
        "aspect_ratio": "auto",
        "duration": 4,
        "delete_video": False,
    },
    "veo3.1-fast-i2v": {
        "prompt": PROMPT,
        "image_url": IMAGE,
        "aspect_ratio": "auto",
        "resolution": "720p",
        "generate_audio": True,
        "duration": "8s",
    },
    "veo3.1-fast-flf": {
        "prompt": PROMPT,
        "last_frame_url": END_IMAGE,
        "first_frame_url": IMAGE,
        "aspect_ratio": "auto",
        "resolution": "720p",
        "generate_audio": True,
        "duration": "8s",
    },
    "veo3.1-i2v": {
        "prompt": PROMPT,
        "image_url": IMAGE,
        "aspect_ratio": "auto",
        "resolution": "720p",
        "generate_audio": True,
        "duration": "8s",
    },
    "veo3.1-flf": {
        "prompt": PROMPT,
        "last_frame_url": END_IMAGE,
        "first_frame_url": IMAGE,
        "aspect_ratio": "auto",
        "resolution": "720p",
        "generate_audio": True,
        "duration": "8s",
    },
    "ltx-2-i2v": {
        "prompt": PROMPT,
        "image_url": IMAGE,
        "generate_audio": True,
        "resolution": "1080p",
        "duration": 6,
        "aspect_ratio": "16:9",
    },
    "ltx-2-fast-i2v": {
        "prompt": PROMPT,
        "image_url": IMAGE,
        "generate_audio": True,
        "resolution": "1080p",
        "duration": 6,
        "aspect_ratio": "16:9",
    },
    "seedance-pro-fast-i2v": {
        "image_url": IMAGE,
        "prompt": PROMPT,
        "duration": "5",
        "aspect_ratio": "auto",
        "resolution": "1080p",
    },
    "seedance-pro-i2v": {
        "image_url": IMAGE,
        "prompt": PROMPT,
        "duration": "5",
        "aspect_ratio": "auto",
        "resolution": "720p",
    },
    "kling-2.5-turbo-pro-i2v": {"prompt": PROMPT, "image_url": IMAGE, "duration": "5"},
    "hailuo-2.3-standard-i2v": {"image_url": IMAGE, "prompt": PROMPT, "duration": "6"},
    "hailuo-2.3-fast-pro-i2v": {"image_url": IMAGE, "prompt": PROMPT},
    "hailuo-2.3-pro-i2v": {"image_url": IMAGE, "prompt": PROMPT},
    "wan-2.5-i2v": {"image_url": IMAGE, "prompt": PROMPT, "resolution": "1080p", "duration": "5"},
    "vidu-q2-turbo-i2v": {
        "image_url": IMAGE,
        "prompt": PROMPT,
        "duration": 4,
        "resolution": "720p",
    },
    "kling-avatar-pro": {"audio_url": AUDIO, "image_url": IMAGE},
    "kling-avatar-standard": {"audio_url": AUDIO, "image_url": IMAGE},
    "omnihuman-1.5": {"audio_url": AUDIO, "image_url": IMAGE, "resolution": "1080p"},
    "wan-animate-replace": {"video_url": VIDEO, "image_url": IMAGE, "resolution": "480p"},
    "wan-animate-move": {"video_url": VIDEO, "image_url": IMAGE, "resolution": "480p"},
    "sora-2-remix": {"prompt": PROMPT, "video_id": VIDEO_ID, "delete_video": False},
    "bytedance-upscaler": {
        "video_url": VIDEO,
        "target_resolution": "1080p",
        "target_fps": "30fps",
        "enhancement_tier": "standard",
    },
    "flashvsr": {"video_url": VIDEO, "upscale_factor": 2, "preserve_audio": True},
    "topaz-upscale": {"video_url": VIDEO, "model": "Proteus", "upscale_factor": 2},
}


CATALOG = load_catalog()


def test_every_model_has_expected_arguments() -> None:
    assert sorted(EXPECTED_DEFAULT_ARGUMENTS) == sorted(s.id for s in CATALOG.models)


def inputs_for(model_id: str) -> GenerationRequest:
    """Only the required inputs, as the expected arguments name them."""
    wire = EXPECTED_DEFAULT_ARGUMENTS[model_id].values()
    request = GenerationRequest(
        prompt=PROMPT if PROMPT in wire else None,
        image=IMAGE if IMAGE in wire else None,
        end_image=END_IMAGE if END_IMAGE in wire else None,
        audio=AUDIO if AUDIO in wire else None,
        video=VIDEO if VIDEO in wire else None,
    )
    if VIDEO_ID in wire:
        request.extras["video_id"] = VIDEO_ID
    return request


@pytest.mark.parametrize("model_id", sorted(EXPECTED_DEFAULT_ARGUMENTS))
def test_default_request_gives_fal_arguments(model_id: str) -> None:
    spec = CATALOG.get(model_id)
    required = inputs_for(model_id)
    request = spec.default_request().model_copy(
        update={k: v for k, v in required.model_dump().items() if v not in (None, {})}
    )
    arguments = build_arguments(spec, request)
    assert arguments == EXPECTED_DEFAULT_ARGUMENTS[model_id]
    for name, value in arguments.items():  # exact wire types, not just equal values
        assert type(value) is type(EXPECTED_DEFAULT_ARGUMENTS[model_id][name]), name


@pytest.mark.parametrize("model_id", sorted(EXPECTED_DEFAULT_ARGUMENTS))
def test_every_choice_is_accepted(model_id: str) -> None:
    spec = CATALOG.get(model_id)
    for field in spec.fields:
        for choice in field.choices or ():
            request = inputs_for(model_id)
            request.extras[field.name] = choice
            assert build_arguments(spec, request)[field.name] == choice
    for seconds in spec.durations():
        request = inputs_for(model_id).model_copy(update={"duration": seconds})
        build_arguments(spec, request)


WRONG_TYPE: dict[FieldType, Any] = {
    FieldType.STRING: 5,
    FieldType.INTEGER: "5",
    FieldType.NUMBER: "0.5",
    FieldType.BOOLEAN: "yes",
    FieldType.STRING_LIST: "one",
}


def rejection(model_id: str, name: str, value: Any) -> str:
    """The error text for sending `value` in wire field `name` (instead of its option)."""
    spec = CATALOG.get(model_id)
    field = spec.field(name)
    assert field is not None
    request = inputs_for(model_id)
    if field.role is not None:
        request = request.model_copy(update={field.role.value: None})
    request.extras[name] = value
    with pytest.raises(InvalidRequestError) as caught:
        build_arguments(spec, request)
    return str(caught.value)


@pytest.mark.parametrize("model_id", sorted(EXPECTED_DEFAULT_ARGUMENTS))
def test_wrong_wire_type_is_refused_naming_the_field(model_id: str) -> None:
    for field in CATALOG.get(model_id).fields:
        message = rejection(model_id, field.name, WRONG_TYPE[field.type])
        assert f"{field.name}: " in message or f"{field.role}: " in message


def out_of_range(field: Any) -> list[Any]:
    values: list[Any] = []
    if field.choices is not None:
        values.append("no-such-choice" if field.type is FieldType.STRING else 9999)
    if field.max is not None:
        values.append(field.max + 1)
    if field.min is not None:
        values.append(field.min - 1)
    if field.max_length is not None:
        values.append("x" * (field.max_length + 1))
    if field.max_items is not None:
        values.append(["a"] * (field.max_items + 1))
    return values


@pytest.mark.parametrize("model_id", sorted(EXPECTED_DEFAULT_ARGUMENTS))
def test_out_of_range_value_is_refused_naming_the_field(model_id: str) -> None:
    spec = CATALOG.get(model_id)
    cases = [(f, v) for f in spec.fields for v in out_of_range(f)]
    for field, value in cases:
        message = rejection(model_id, field.name, value)
        assert f"{field.name}: " in message or f"{field.role}: " in message
    if not spec.durations():
        request = inputs_for(model_id).model_copy(update={"duration": 7})
        with pytest.raises(InvalidRequestError, match="duration"):
            build_arguments(spec, request)
