"""Requests checked against a model: the mistakes an editor can make, refused before paying."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.errors import InvalidRequestError
from qcut_ai.core.requests import GenerationRequest, build_arguments

CATALOG = load_catalog()
PROMPT = "a lighthouse at dusk, waves crashing"


def refused(
    model: str,
    request: GenerationRequest,
    image_size: tuple[int, int] | None = None,
    end_image_size: tuple[int, int] | None = None,
) -> str:
    spec = CATALOG.get(model)
    with pytest.raises(InvalidRequestError) as caught:
        build_arguments(spec, request, image_size=image_size, end_image_size=end_image_size)
    assert caught.value.model == spec.name
    return caught.value.user_text()


def test_duration_goes_out_in_each_familys_wire_type() -> None:
    def duration(model: str, seconds: int) -> object:
        request = GenerationRequest(prompt=PROMPT, image="a.png", duration=seconds)
        if not CATALOG.get(model).media_fields():
            request.image = None
        return build_arguments(CATALOG.get(model), request)["duration"]

    assert duration("kling-2.1-master", 10) == "10"
    assert duration("happy-horse-1.1", 8) == 8
    assert duration("veo3.1", 6) == "6s"
    assert duration("vidu-q2-turbo-i2v", 7) == 7


def test_option_the_model_lacks_is_refused() -> None:
    text = refused("hailuo-2.3-pro", GenerationRequest(prompt=PROMPT, duration=6))
    assert "duration: Hailuo 2.3 Pro has no duration option" in text
    assert "generate_audio" in refused(
        "seedance-pro", GenerationRequest(prompt=PROMPT, generate_audio=True)
    )


def test_duration_not_offered_names_the_choices() -> None:
    text = refused("kling-2.1-master", GenerationRequest(prompt=PROMPT, duration=8))
    assert "duration: 8 s is not offered; choose 5, 10 s" in text


def test_wrong_enum_value_names_field_value_and_choices() -> None:
    text = refused("veo3.1", GenerationRequest(prompt=PROMPT, aspect_ratio="1:1"))
    assert "aspect_ratio: '1:1' is not allowed; choose one of '16:9', '9:16'" in text


def test_unknown_extra_field_suggests_the_close_one() -> None:
    request = GenerationRequest(prompt=PROMPT, extras={"cfg_scal": 0.4})
    assert "did you mean cfg_scale" in refused("kling-2.1-master", request)


def test_extra_number_out_of_range() -> None:
    request = GenerationRequest(prompt=PROMPT, extras={"cfg_scale": 1.5})
    assert "cfg_scale: 1.5 is out of range; it must be a number from 0 to 1" in refused(
        "kling-2.1-master", request
    )


def test_option_set_twice_is_refused() -> None:
    request = GenerationRequest(prompt=PROMPT, duration=5, extras={"duration": "10"})
    assert "set it once" in refused("kling-2.1-master", request)


def test_blank_prompt_and_missing_inputs_are_refused() -> None:
    assert "prompt: is empty" in refused("kling-2.1-master", GenerationRequest(prompt="   \n"))
    text = refused("veo3.1-flf", GenerationRequest(prompt=PROMPT, image="a.png"))
    assert "end_image: is required by Veo 3.1 (first/last frame)" in text
    assert "prompt: is required" in refused("kling-2.1-master", GenerationRequest())


def test_prompt_over_the_limit_names_the_limit() -> None:
    text = refused("kling-2.1-master", GenerationRequest(prompt="x" * 2501))
    assert "prompt: 2,501 characters is over the limit of 2,500" in text


def test_optional_blank_prompt_is_left_out() -> None:
    spec = CATALOG.get("kling-avatar-pro")
    request = GenerationRequest(prompt=" ", image="face.png", audio="voice.wav")
    assert build_arguments(spec, request) == {"image_url": "face.png", "audio_url": "voice.wav"}


def test_first_and_last_frames_must_share_a_shape() -> None:
    request = GenerationRequest(prompt=PROMPT, image="a.png", end_image="b.png")
    text = refused("veo3.1-fast-flf", request, image_size=(1920, 1080), end_image_size=(1080, 1920))
    assert "end_image:" in text and "1080x1920" in text
    spec = CATALOG.get("veo3.1-fast-flf")
    args = build_arguments(spec, request, image_size=(1920, 1080), end_image_size=(1280, 720))
    assert args["first_frame_url"] == "a.png" and args["last_frame_url"] == "b.png"
    tail = build_arguments(CATALOG.get("kling-2.5-turbo-pro-i2v"), request)
    assert tail["tail_image_url"] == "b.png"


def test_cross_field_rule_on_long_ltx_fast_clips() -> None:
    # LTX-2 Fast is retired; its rule is kept so its History entries still explain themselves.
    request = GenerationRequest(prompt=PROMPT, duration=16, resolution="1440p")
    assert "need fps 25 and 1080p" in refused("ltx-2-fast", request)
    ok = GenerationRequest(prompt=PROMPT, duration=16)
    assert build_arguments(CATALOG.get("ltx-2-fast"), ok)["duration"] == 16


def test_all_problems_are_reported_together() -> None:
    request = GenerationRequest(prompt="", duration=7, resolution="8k")
    with pytest.raises(InvalidRequestError) as caught:
        build_arguments(CATALOG.get("veo3.1"), request)
    error_fields = {e.field for e in caught.value.errors}
    assert error_fields == {"prompt", "duration", "resolution"}
    assert "Nothing was sent or charged." in caught.value.user_text()


def test_defaults_that_do_not_change_the_price_are_left_to_fal() -> None:
    spec = CATALOG.get("kling-2.1-master")
    args = build_arguments(spec, GenerationRequest(prompt=PROMPT))
    assert args == {"prompt": PROMPT, "duration": "5"}  # duration decides the price
    assert "negative_prompt" not in args and "cfg_scale" not in args


def test_request_values_have_strict_types() -> None:
    with pytest.raises(ValidationError, match="duration"):
        GenerationRequest(duration="5")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="extra"):
        GenerationRequest(lenght=5)  # type: ignore[call-arg]
