"""Our estimates against fal's own price sentences (the 2026-08-27 registry snapshot).

Each expected figure below is worked out by hand from the model's sentence
in the shipped snapshot; the rate it rests on must appear in that sentence.
A sentence that cannot price the defaults (the length is "auto", or it
follows the input) expects "price unknown", never $0.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from qcut_ai.core.catalog import load_catalog, shipped_snapshot
from qcut_ai.core.price_check import default_estimate
from qcut_ai.core.pricing import estimate
from qcut_ai.core.requests import build_arguments

CATALOG = load_catalog()
PHRASES = {r.endpoint_id: r.price_text for r in shipped_snapshot().records if r.price_text}

# model id -> (estimate at the defaults, the rate in fal's sentence it comes from)
AT_DEFAULTS: dict[str, tuple[str | None, str]] = {
    "kling-3-std": ("0.63", "$0.126 (audio on)"),  # 5 s, audio on
    "kling-3-pro": ("0.84", "$0.168 (audio on)"),
    "kling-3-4k": ("2.10", "5s video will cost $2.10"),
    "kling-3-turbo": ("0.70", "5s video will cost $0.70"),
    "kling-3-turbo-std": ("0.56", "5s video will cost $0.56"),
    "kling-3-std-i2v": ("0.63", "$0.126 (audio on)"),
    "kling-3-pro-i2v": ("0.84", "$0.168 (audio on)"),
    "kling-3-4k-i2v": ("2.10", "5s video will cost $2.10"),
    "kling-3-turbo-i2v": ("0.70", "5s video will cost $0.70"),
    "kling-o3-pro": ("0.56", "$0.112 (audio off)"),  # O3 defaults to audio off
    "kling-o3-std": ("0.42", "$0.084 (audio off)"),
    "kling-o3-pro-i2v": ("0.56", "$0.112 (audio off)"),
    "kling-o3-pro-ref": ("0.56", "$0.112 (audio off)"),
    "kling-o3-std-ref": ("0.42", "$0.084 (audio off)"),
    "kling-o3-pro-edit": (None, "$0.168"),  # as long as the source clip
    "kling-o3-std-edit": (None, "$0.126"),
    "kling-2.6-pro": ("0.70", "5s video with audio on will cost $0.70"),
    "kling-2.6-pro-i2v": ("0.70", "5-second video with audio costs $0.70"),
    "kling-2.5-turbo-pro": ("0.35", "For 5s video your request will cost $0.35"),
    "kling-2.5-turbo-pro-i2v": ("0.35", "For 5s video your request will cost $0.35"),
    "kling-2.1-master": ("1.40", "For 5s video your request will cost $1.40"),
    "kling-lipsync": (None, "$0.014 per input video seconds"),  # follows the input clip
    "veo3.1": ("3.20", "$0.40 with audio for 720p"),  # 8 s, 720p, audio on
    "veo3.1-fast": ("1.20", "$0.15 with audio for 720p"),
    "veo3.1-lite": ("0.40", "$0.05 for 720p with audio"),
    "veo3.1-i2v": ("3.20", "$0.40 with audio for 720p"),
    "veo3.1-fast-i2v": ("1.20", "$0.15 with audio for 720p"),
    "veo3.1-lite-i2v": ("0.40", "$0.05 for 720p with audio"),
    "veo3.1-flf": ("3.20", "$0.40 with audio for 720p"),
    "veo3.1-fast-flf": ("1.20", "$0.15 with audio for 720p"),
    "veo3.1-lite-flf": ("0.40", "$0.05 for 720p with audio"),
    "veo3.1-ref": ("3.20", "$0.40 with audio for 720p"),
    "veo3.1-fast-ref": ("1.20", "$0.15 (audio on)"),
    "veo3.1-extend": ("2.80", "$0.40 (audio on)"),  # fal's default extension is 7 s
    "veo3.1-fast-extend": ("1.05", "$0.15 (audio on)"),
    "seedance-2.0-fast": (None, "$0.0112 per 1000 tokens"),  # length "auto" by default
    "seedance-2.0-fast-i2v": (None, "$0.0112 per 1000 tokens"),
    "seedance-1.5-pro": ("0.2592", "roughly $0.26"),  # 1280x720 x 24 fps x 5 s tokens
    "seedance-1.5-pro-i2v": ("0.2592", "roughly $0.26"),
    "seedance-pro": ("0.6075", "roughly $0.62"),
    "seedance-pro-i2v": ("0.6075", "roughly $0.62"),
    "seedance-pro-fast": ("0.243", "1 million video tokens costs $1"),
    "seedance-pro-fast-i2v": ("0.243", "roughly $0.243"),
    "minimax-h3": ("0.65", "$0.13 per second at 2K"),
    "minimax-h3-i2v": ("0.65", "$0.13 per second at 2K"),
    "minimax-h3-ref": ("0.65", "$0.13 per second at 2K"),
    "minimax-h3-max": ("0.40", "768p is $0.08/second"),  # after the launch discount ended
    "minimax-h3-max-i2v": ("0.40", "768p is $0.08/second"),
    "hailuo-02-standard": ("0.27", "A single 6 second video will cost $0.27"),
    "hailuo-02-pro": ("0.48", "A single 6 second video will cost $0.48"),
    "hailuo-2.3-standard": ("0.28", "$0.28 per 6 second video"),
    "hailuo-2.3-standard-i2v": ("0.28", "$0.28 per 6 second video"),
    "hailuo-2.3-fast-std-i2v": ("0.19", "$0.19 per 6 second video"),
    "hailuo-2.3-pro": ("0.49", "$0.49 per video generation"),
    "hailuo-2.3-pro-i2v": ("0.49", "$0.49 per video generation"),
    "wan-3.0": ("1.00", "$0.20 1080p"),
    "wan-3.0-i2v": ("1.00", "$0.20 1080p"),
    "wan-3.0-ref": ("1.00", "$0.20 1080p"),
    "wan-3.0-prime": ("1.40", "$0.28 at 1080p"),
    "wan-3.0-prime-i2v": ("1.40", "$0.28 at 1080p"),
    "wan-2.7": ("0.75", "For 1080p your request will cost $0.15 per second"),
    "wan-2.7-i2v": ("0.75", "For 1080p your request will cost $0.15 per second"),
    "wan-2.7-ref": ("0.50", "$0.10 per second"),
    "wan-2.7-edit": (None, "$0.15 for 1080p per second of output video"),
    "wan-2.6-i2v": ("0.75", "$0.15 per second for 1080p"),
    "wan-2.6-flash-i2v": ("0.375", "$0.075 per second for 1080p"),
    "wan-2.5": ("0.75", "$0.15 per second for 1080p"),
    "wan-2.5-i2v": ("0.75", "$0.15 per second for 1080p"),
    "wan-2.2-turbo": ("0.10", "$0.10 per video for 720p"),
    "happy-horse-1.1": ("0.90", "For 1080p video you will be charged $0.18/second"),
    "happy-horse-1.1-i2v": ("0.90", "For 1080p video you will be charged $0.18/second"),
    "happy-horse-1.1-ref": ("0.90", "For 1080p video you will be charged $0.18/second"),
    "happy-horse-edit": (None, "For 1080p video you will be charged $0.56/second"),
    "ltx-2.3": ("0.48", "$0.08 per second for 1080p"),
    "ltx-2.3-fast": ("0.36", "$0.06 per second for 1080p"),
    "ltx-2.3-i2v": ("0.48", "$0.08 per second for 1080p"),
    "ltx-2.3-fast-i2v": ("0.36", "$0.06 per second for 1080p"),
    "ltx-2.3-a2v": (None, "$0.10 per second"),  # as long as the audio
    "ltx-2.3-extend": ("0.50", "$0.10 per second"),
    "ltx-2.3-retake": ("0.50", "$0.10 per second"),
    "ltx-2.5-pro": (None, "$0.17 per second for 1080p"),  # length "auto" by default
    "ltx-2.5-pro-i2v": (None, "$0.17 per second for 1080p"),
    "vidu-q3": ("0.77", "2.2x for 720p"),  # 0.07 x 2.2 x 5 s
    "vidu-q3-i2v": ("0.77", "2.2x for 720p"),
    "vidu-q3-mix": ("0.77", "2.2x for 720p"),
    "vidu-q3-turbo": ("0.385", "0.035 $ per video second"),
    "vidu-q3-turbo-i2v": ("0.385", "0.035 $ per video second"),
    "vidu-q2-turbo-i2v": ("0.20", "For 720 p each video second will cost 0.05 $"),  # 4 s
    "vidu-q2-ref": ("0.30", "0.3 $ for 720 p video"),
    "vidu-q2-extend": ("0.30", "For 720 p each video second will cost 0.075 $"),
    "luma-ray-3.2": ("0.50", "$0.50 for 540p"),
    "grok-imagine": ("0.42", "at 720p, every second costs $0.07"),  # 6 s
    "grok-imagine-i2v": ("0.422", "$0.002 for image input"),
    "grok-imagine-edit": (None, "$0.01 per second of video input"),  # resolution "auto"
    "grok-imagine-extend": (None, "$0.01 per second of video input"),  # the source decides
    "flux-3": (None, "0.17 $ per second"),  # length "auto" by default
    "flux-3-i2v": (None, "0.17 $ per second"),
    "flux-3-flf": ("0.85", "0.17 $ per second of generated video at 720p"),
    "flux-3-extend": (None, "0.41 $ per second"),
    "topaz-creative": (None, "10 seconds costs $3.00 up to 1080p"),  # needs the source
    "seedvr": (None, "$0.001 per megapixel"),
    "flashvsr": (None, "$0.0005 per megapixel"),
    # Retired: kept priced for History and resumed jobs.
    "sora-2": ("0.40", "$0.1/s"),
    "sora-2-i2v": ("0.40", "$0.1/s"),
    "sora-2-pro": ("2.00", "$0.50/s for legacy 1080p"),
    "sora-2-pro-i2v": (None, "$0.30/s for 720p"),  # resolution "auto"
    "sora-2-remix": (None, "$0.1/s"),
    "veo3": ("3.20", "$0.40 (audio on)"),
    "veo3-fast": ("1.20", "$0.15 (audio on)"),
    "ltx-2": ("0.36", "$0.06 per second for 1080p"),
    "ltx-2-fast": ("0.24", "$0.04 per second for 1080p"),
    "ltx-2-i2v": ("0.36", "$0.06 per second for 1080p"),
    "ltx-2-fast-i2v": ("0.24", "$0.04 per second for 1080p"),
    "topaz-upscale": (None, "$0.02 for 720p to 1080p"),
}
# fal's own worked examples: (model, settings, media facts, dollars, the example's words).
EXAMPLES: list[tuple[str, dict[str, Any], dict[str, Any], str, str]] = [
    ("veo3.1", {"duration": 4, "resolution": "1080p"}, {}, "1.60", "$0.40 with audio"),
    ("veo3.1-fast", {"resolution": "1080p", "duration": 4}, {}, "0.60", "$0.15 with audio"),
    (
        "veo3.1-lite",
        {"duration": 4},
        {},
        "0.20",
        "4 second video at 720p with audio will cost $0.20",
    ),
    (
        "kling-o3-pro",
        {"generate_audio": True},
        {},
        "0.70",
        "5s video with audio on will cost $0.70",
    ),
    ("wan-3.0", {"resolution": "720p"}, {}, "0.50", "5s video at 720p will cost $0.50"),
    ("wan-3.0-prime", {"resolution": "720p"}, {}, "0.70", "5s video at 720p will cost $0.70"),
    (
        "vidu-q2-turbo-i2v",
        {"resolution": "1080p", "duration": 8},
        {},
        "0.60",
        "0.2 $ along with 0.05 $",
    ),
    (
        "vidu-q2-extend",
        {"resolution": "1080p", "duration": 4},
        {},
        "0.58",
        "0.28 $ along with 0.075 $",
    ),
    ("grok-imagine-i2v", {"resolution": "480p"}, {}, "0.302", "A 6s 480p video will cost $0.302"),
    (
        "luma-ray-3.2",
        {"resolution": "1080p", "duration": 10},
        {},
        "4",
        "$4 at 1080p",
    ),
    ("seedance-2.0-fast", {"duration": 5}, {}, "1.2096", "$0.2419/second"),
    ("kling-lipsync", {}, {"media_seconds": 3}, "0.07", "billed as a 5 second video"),
    ("kling-o3-pro-edit", {}, {"media_seconds": 5}, "0.84", "a 5s video will cost $0.84"),
    (
        "seedvr",
        {},
        {"source_video": (960, 540, 24.0, 121 / 24)},
        "0.250905600",
        "1920×1080 with 121 frames",
    ),
    (
        "topaz-creative",
        {},
        {"source_video": (960, 540, 30.0, 10.0)},
        "3.00",
        "10 seconds costs $3.00 up to 1080p",
    ),
    ("topaz-creative", {}, {"source_video": (1920, 1080, 60.0, 10.0)}, "10.00", "$6.00 or $10.00"),
]


def _estimate(model: str, settings: dict[str, Any], media: dict[str, Any]) -> Decimal | None:
    spec = CATALOG.get(model)
    extras = settings.pop("extras", {})
    request = spec.default_request().model_copy(update={**settings, "extras": extras})
    return estimate(spec, build_arguments(spec, request, require_inputs=False), **media).usd


def test_every_model_with_a_price_sentence_is_checked_here() -> None:
    priced = {s.id for s in CATALOG if s.endpoint in PHRASES}
    assert priced == set(AT_DEFAULTS)


@pytest.mark.parametrize("model", sorted(AT_DEFAULTS))
def test_default_estimate_is_fals_sentence_at_the_defaults(model: str) -> None:
    expected, rate = AT_DEFAULTS[model]
    spec = CATALOG.get(model)
    assert rate in PHRASES[spec.endpoint], "the rate is not in fal's sentence"
    result = default_estimate(spec)
    if expected is None:
        assert result.usd is None and result.text() == "price unknown"
    else:
        assert result.usd == Decimal(expected)


@pytest.mark.parametrize(("model", "settings", "media", "usd", "words"), EXAMPLES)
def test_fals_worked_examples(
    model: str, settings: dict[str, Any], media: dict[str, Any], usd: str, words: str
) -> None:
    assert words in PHRASES[CATALOG.get(model).endpoint]
    assert _estimate(model, dict(settings), media) == Decimal(usd)
