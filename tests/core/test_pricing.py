"""The pricing rules a user meets (fal's own sentences are checked in test_price_phrases)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.pricing import Estimate, batch_total, estimate
from qcut_ai.core.requests import GenerationRequest, build_arguments

CATALOG = load_catalog()
SOURCE_VIDEO = (1280, 720, 30.0, 5.0)


def price(model: str, **options: Any) -> Estimate:
    spec = CATALOG.get(model)
    media = {k: options.pop(k) for k in ("media_seconds", "source_video") if k in options}
    extras = options.pop("extras", {})
    request = spec.default_request().model_copy(update={**options, "extras": extras})
    return estimate(spec, build_arguments(spec, request, require_inputs=False), **media)


def test_kling_bills_first_five_seconds_then_each_extra_second() -> None:
    assert price("kling-2.1-master", duration=10).usd == Decimal("2.80")
    assert price("kling-2.5-turbo-pro", duration=5).text() == "$0.35"


def test_audio_and_resolution_change_the_rate() -> None:
    assert price("kling-2.6-pro", generate_audio=False).text() == "$0.35"
    assert price("kling-2.6-pro").text() == "$0.70"
    assert price("veo3.1", resolution="4k", generate_audio=False).text() == "$3.20"
    assert price("veo3.1-fast", resolution="1080p", duration=4).text() == "$0.60"


def test_seedance_token_price_matches_fals_worked_example() -> None:
    # fal: 1080p, 5 s on Seedance Pro Fast costs about $0.243.
    assert price("seedance-pro-fast-i2v", resolution="1080p", duration=5).text() == "$0.243"


def test_upscalers_need_the_source_video() -> None:
    unsized = price("flashvsr")
    assert not unsized.known and "size" in unsized.missing
    sized = price("flashvsr", source_video=(1920, 1080, 24.0, 121 / 24))
    assert sized.usd == Decimal("0.0005") * 3840 * 2160 * 121 / 1_000_000
    standard = price("bytedance-upscaler", source_video=SOURCE_VIDEO)
    pro = price("bytedance-upscaler", source_video=SOURCE_VIDEO, extras={"enhancement_tier": "pro"})
    assert pro.usd == standard.usd * 10  # type: ignore[operator]
    assert "pro tier" in pro.rate_text


def test_topaz_price_follows_output_size_frame_rate_and_model() -> None:
    small = price("topaz-upscale", source_video=(640, 360, 30.0, 10.0))
    assert small.text() == "$0.10"  # 720p output
    fast = price("topaz-upscale", source_video=(640, 360, 60.0, 10.0))
    assert fast.text() == "$0.20"
    gaia = price("topaz-upscale", source_video=(640, 360, 30.0, 10.0), extras={"model": "Gaia 2"})
    assert gaia.text() == "$0.05"


def test_avatar_price_needs_the_audio_length() -> None:
    unknown = price("omnihuman-1.5")
    assert not unknown.known and unknown.missing == "the input length"
    assert "$0.16/s" in unknown.rate_text
    assert price("omnihuman-1.5", media_seconds=12.5).text() == "$2.00"


def test_unknown_price_is_never_zero() -> None:
    for model in ("seedance-2.0", "kling-avatar-standard", "sora-2-remix"):
        result = price(model, media_seconds=5)
        assert result.usd is None
        assert result.text() == "price unknown"
    assert price("sora-2-pro", resolution="true_1080p").text() == "price unknown"


def test_grade_is_kept_for_the_ui() -> None:
    third = price("omnihuman-1.5")
    assert third.grade == "third-party"
    assert third.grade_text == "estimated from third-party data"
    assert price("veo3.1").grade_text == "fal's published price"


def test_batch_total_counts_unknown_prices() -> None:
    total, unknown = batch_total(
        [price("sora-2"), price("seedance-2.0"), price("kling-2.1-master", duration=10)]
    )
    assert total == Decimal("3.20")
    assert unknown == 1


def test_estimate_follows_what_build_arguments_sends() -> None:
    spec = CATALOG.get("grok-imagine")
    args = build_arguments(spec, GenerationRequest(prompt="x", duration=12))
    assert estimate(spec, args).text() == "$0.84"
