"""The stand-in renders extend, edit, lipsync and avatar results from the request's own media.

Inputs go up through the real fal-client (as the app uploads them), the
results come back as real MP4s and are checked frame by frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from PIL import Image, ImageChops, ImageStat

from qcut_ai.services.ffmpeg_tools import run_ffmpeg
from qcut_ai.services.rehearsal import StandIn
from qcut_ai.services.rehearsal.derived import probe

pytestmark = pytest.mark.slow


def _frames(path: Path) -> tuple[Image.Image, Image.Image]:
    """The first and the last frame, small and grey."""
    with av.open(str(path)) as container:
        frames = [f.to_image() for f in container.decode(video=0)]
    return _small(frames[0]), _small(frames[-1])


def _small(frame: Image.Image) -> Image.Image:
    return frame.convert("L").resize((64, 36))


def _difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per pixel, 0-255."""
    return float(ImageStat.Stat(ImageChops.difference(a, b)).mean[0])


@pytest.fixture
def media(tmp_path: Path) -> dict[str, Path]:
    clip = tmp_path / "source.mp4"
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=24:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=220:duration=2",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(clip),
        ]
    )
    voice = tmp_path / "voice.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=330:duration=3.5", str(voice)])
    portrait = tmp_path / "portrait.png"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=400x300", "-frames:v", "1", str(portrait)])
    return {"clip": clip, "voice": voice, "portrait": portrait}


def _result(
    standin: StandIn, client: Any, tmp_path: Path, endpoint: str, arguments: dict[str, Any]
) -> Path:
    answer = client.subscribe(endpoint, arguments)
    out = tmp_path / (endpoint.replace("/", "_") + ".mp4")
    out.write_bytes(httpx.get(answer["video"]["url"]).content)
    return out


def test_an_extend_result_is_longer_and_starts_with_the_sources_last_frame(
    standin: StandIn, fal_client_for: Any, media: dict[str, Path], tmp_path: Path
) -> None:
    client = fal_client_for(standin)
    url = client.upload_file(media["clip"])
    out = _result(
        standin,
        client,
        tmp_path,
        "fal-ai/veo3.1/extend-video",
        {"prompt": "the camera keeps flying", "video_url": url, "duration": "7s"},
    )
    source, result = probe(media["clip"]), probe(out)
    assert result.seconds > source.seconds and result.seconds == pytest.approx(9.0, abs=0.1)
    assert (result.width, result.height) == (source.width, source.height)
    first_of_source, last_of_source = _frames(media["clip"])
    first_of_result, _ = _frames(out)
    assert _difference(first_of_result, last_of_source) < 6
    assert _difference(first_of_result, first_of_source) > 2 * _difference(
        first_of_result, last_of_source
    )


def test_an_edit_keeps_the_sources_length_and_size(
    standin: StandIn, fal_client_for: Any, media: dict[str, Path], tmp_path: Path
) -> None:
    client = fal_client_for(standin)
    url = client.upload_file(media["clip"])
    out = _result(
        standin,
        client,
        tmp_path,
        "fal-ai/kling-video/o3/pro/video-to-video/edit",
        {"prompt": "make it snow", "video_url": url},
    )
    source, result = probe(media["clip"]), probe(out)
    assert (result.width, result.height) == (source.width, source.height)
    assert result.seconds == pytest.approx(source.seconds, abs=0.1)
    assert result.has_audio


def test_lipsync_and_avatars_last_as_long_as_the_audio(
    standin: StandIn, fal_client_for: Any, media: dict[str, Path], tmp_path: Path
) -> None:
    client = fal_client_for(standin)
    clip, voice = client.upload_file(media["clip"]), client.upload_file(media["voice"])
    synced = probe(
        _result(
            standin,
            client,
            tmp_path,
            "fal-ai/sync-lipsync/v3",
            {"video_url": clip, "audio_url": voice},
        )
    )
    assert synced.seconds == pytest.approx(3.5, abs=0.1) and synced.has_audio
    assert (synced.width, synced.height) == (320, 180)
    portrait = client.upload_file(media["portrait"])
    out = _result(
        standin,
        client,
        tmp_path,
        "fal-ai/kling-video/ai-avatar/v2/pro",
        {"image_url": portrait, "audio_url": voice},
    )
    avatar = probe(out)
    assert avatar.seconds == pytest.approx(3.5, abs=0.1) and avatar.has_audio
    assert avatar.width / avatar.height == pytest.approx(4 / 3, abs=0.02)  # the portrait's shape


def test_an_image_input_is_the_first_frame_and_an_audio_input_the_soundtrack(
    standin: StandIn, fal_client_for: Any, media: dict[str, Path], tmp_path: Path
) -> None:
    client = fal_client_for(standin)
    portrait = client.upload_file(media["portrait"])
    out = _result(
        standin,
        client,
        tmp_path,
        "fal-ai/kling-video/v3/standard/image-to-video",
        {"start_image_url": portrait, "prompt": "she turns", "duration": "3"},
    )
    with av.open(str(out)) as container:
        first = next(container.decode(video=0)).to_image().convert("RGB")
    red, green, blue = ImageStat.Stat(first).mean
    assert red > 200 and green < 40 and blue < 40
    assert probe(out).seconds == pytest.approx(3.0, abs=0.1)
    voice = client.upload_file(media["voice"])
    scored = probe(
        _result(
            standin,
            client,
            tmp_path,
            "fal-ai/ltx-2.3/audio-to-video",
            {"audio_url": voice, "prompt": "a rainy street"},
        )
    )
    assert scored.has_audio and scored.seconds == pytest.approx(3.5, abs=0.1)


def test_media_the_stand_in_cannot_read_leaves_the_plain_render(
    standin: StandIn, fal_client_for: Any, tmp_path: Path
) -> None:
    client = fal_client_for(standin)
    out = _result(
        standin,
        client,
        tmp_path,
        "fal-ai/kling-video/o3/pro/video-to-video/edit",
        {"prompt": "x", "video_url": "https://example.com/not-here.mp4"},
    )
    assert probe(out).seconds > 0
