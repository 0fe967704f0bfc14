"""How the stand-in reads video requests and renders them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import pytest

from qcut_ai.services.rehearsal.arguments import (
    parse_aspect,
    parse_duration,
    parse_resolution,
    scaled_size,
    video_ask,
)
from qcut_ai.services.rehearsal.renderer import Renderer, RenderSpec
from qcut_ai.services.rehearsal.state import PROFILES, job_timing, typical_seconds


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [(8, 8.0), ("8", 8.0), ("8s", 8.0), ("5.5 s", 5.5), ("10 seconds", 10.0), ("x", None)],
)
def test_durations_are_read_generously(raw: Any, seconds: float | None) -> None:
    assert parse_duration(raw) == seconds


@pytest.mark.parametrize(
    ("raw", "short"), [("480p", 480), ("1080p", 1080), ("4k", 2160), ("720", 720), ("hd?", None)]
)
def test_resolutions(raw: str, short: int | None) -> None:
    assert parse_resolution(raw) == short


def test_aspect_auto_is_not_a_ratio() -> None:
    assert parse_aspect("9:16") == pytest.approx(9 / 16)
    assert parse_aspect("auto") is None


@pytest.mark.parametrize(
    ("arguments", "size", "duration", "audio"),
    [
        ({}, (1280, 720), 4.0, False),
        ({"aspect_ratio": "9:16", "resolution": "1080p"}, (1080, 1920), 4.0, False),
        ({"aspect_ratio": "1:1", "resolution": "480p", "duration": "6s"}, (480, 480), 6.0, False),
        ({"aspect_ratio": "auto", "generate_audio": "true"}, (1280, 720), 4.0, True),
        (
            {"video_size": "portrait_16_9", "num_frames": 81, "frames_per_second": 16},
            (720, 1280),
            81 / 16,
            False,
        ),
        (
            {"video_size": {"width": 640, "height": 360}, "audio_url": "http://a/b.wav"},
            (640, 360),
            4.0,
            True,
        ),
    ],
)
def test_video_ask(
    arguments: dict[str, Any], size: tuple[int, int], duration: float, audio: bool
) -> None:
    ask = video_ask(arguments)
    assert ((ask.width, ask.height), ask.duration, ask.audio) == (size, duration, audio)


def test_scaled_size_keeps_the_aspect_and_even_sides() -> None:
    assert scaled_size(1080, 1920, 180) == (180, 320)
    assert scaled_size(3840, 2160, None) == (3840, 2160)
    width, height = scaled_size(1280, 720, 90)
    assert (width % 2, height % 2) == (0, 0) and width / height == pytest.approx(16 / 9, abs=0.03)


def test_realistic_timing_uses_typical_seconds_and_tags_override() -> None:
    realistic = PROFILES["realistic"]
    _, queue, generate = job_timing(realistic, "fal-ai/veo3/fast", "p", {"fal-ai/veo3": 100.0})
    assert queue + generate == pytest.approx(100.0)
    assert 30.0 <= typical_seconds("fal-ai/unknown/model", {}) <= 120.0
    profile, queue, generate = job_timing(realistic, "a/b", "[profile:instant] [generate:2]", {})
    assert (profile.name, queue, generate) == ("instant", PROFILES["instant"].queue_s, 2.0)


def test_identical_renders_are_cached(tmp_path: Path) -> None:
    renderer = Renderer(tmp_path)
    spec = RenderSpec(160, 90, 1.0, True, "fal-ai/x", "a 100% 'quoted': prompt")
    first = renderer.render(spec)
    stamp = first.stat().st_mtime_ns
    assert renderer.render(spec) == first and first.stat().st_mtime_ns == stamp
    with av.open(str(first)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (160, 90)
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert container.streams.audio
    assert not renderer.text_disabled
