"""Probing, verification and thumbnails over many real media kinds."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from qcut_ai.core.errors import MediaError
from qcut_ai.core.media import MediaKind
from qcut_ai.library.probe import probe, verify_media
from qcut_ai.library.thumbnails import fingerprint, make_thumbnails
from qcut_ai.services.ffmpeg_tools import run_ffmpeg

VIDEOS = ["h264", "hevc", "vp9", "prores", "noaudio", "portrait", "portrait_cw"]
AUDIO = ["wav", "mp3", "aac"]
IMAGES = ["png", "jpg"]


@pytest.mark.parametrize(
    ("key", "codec", "has_audio"),
    [
        ("h264", "h264", True),
        ("hevc", "hevc", False),
        ("vp9", "vp9", True),
        ("prores", "prores", False),
        ("noaudio", "h264", False),
    ],
)
def test_videos_probe_with_codec_size_and_audio(
    media: dict[str, Path], key: str, codec: str, has_audio: bool
) -> None:
    info = probe(media[key])
    assert info.kind == MediaKind.VIDEO
    assert (info.width, info.height) == (160, 90)
    assert info.video_codec == codec
    assert info.has_audio is has_audio
    assert info.duration == pytest.approx(1.0, abs=0.05)
    assert info.fps == pytest.approx(25.0)
    assert info.size == media[key].stat().st_size
    assert len(info.sha256) == 64


@pytest.mark.parametrize(("key", "rotation"), [("portrait", 270), ("portrait_cw", 90)])
def test_portrait_video_reports_display_size_and_rotation(
    media: dict[str, Path], key: str, rotation: int
) -> None:
    info = probe(media[key])
    assert (info.width, info.height) == (90, 160)
    assert info.rotation == rotation


@pytest.mark.parametrize(("key", "codec"), [("wav", "pcm_s16le"), ("mp3", "mp3"), ("aac", "aac")])
def test_audio_files_probe_as_audio(media: dict[str, Path], key: str, codec: str) -> None:
    info = probe(media[key])
    assert info.kind == MediaKind.AUDIO
    assert info.audio_codec == codec
    assert info.width is None
    assert info.duration == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize("key", IMAGES)
def test_images_probe_as_images(media: dict[str, Path], key: str) -> None:
    info = probe(media[key])
    assert info.kind == MediaKind.IMAGE
    assert (info.width, info.height) == (160, 90)
    assert info.duration is None


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("no_moov", "damaged or incomplete"),
        ("cut_tail", "cannot be read"),
        ("html", "web page"),
        ("empty", "empty"),
        ("garbage", "damaged or incomplete"),
        ("cut_png", "not a readable image"),
    ],
)
def test_broken_files_are_refused_with_a_clear_sentence(
    media: dict[str, Path], key: str, words: str
) -> None:
    with pytest.raises(MediaError) as caught:
        verify_media(media[key], expected=None)
    text = caught.value.user_text()
    assert words in text
    assert media[key].name in text
    assert "again" in text or "check" in text  # says what to do


def test_verify_refuses_the_wrong_kind(media: dict[str, Path]) -> None:
    with pytest.raises(MediaError, match="an audio file, not a video file"):
        verify_media(media["mp3"], expected=MediaKind.VIDEO)
    assert verify_media(media["h264"]).kind == MediaKind.VIDEO


def test_cut_tail_with_intact_index_is_refused_even_though_it_opens(
    media: dict[str, Path],
) -> None:
    # The header still declares the full length, so plain probing succeeds...
    assert probe(media["cut_tail"], with_hash=False).duration == pytest.approx(3.0, abs=0.1)
    # ...but the readable data stops halfway.
    with pytest.raises(MediaError):
        verify_media(media["cut_tail"])


@pytest.mark.parametrize("key", VIDEOS)
def test_videos_get_a_poster_and_a_filmstrip(
    media: dict[str, Path], tmp_path: Path, key: str
) -> None:
    info = probe(media[key])
    thumbs = make_thumbnails(media[key], info, tmp_path)
    assert thumbs.poster is not None and thumbs.filmstrip is not None
    with Image.open(thumbs.poster) as poster:
        assert poster.format == "JPEG"
        assert poster.width == 320
        w, h = info.width or 1, info.height or 1
        expected_h = round(320 * h / w / 2) * 2
        assert abs(poster.height - expected_h) <= 2
    with Image.open(thumbs.filmstrip) as strip:
        assert strip.width == 160 * 10
        assert abs(strip.height - round(160 * h / w)) <= 2


def _stripe_at_top(image: Image.Image) -> bool:
    """True when the blue stripe of the `striped` clip is at the top of `image`."""
    rgb = image.convert("RGB")
    top = rgb.getpixel((rgb.width // 2, 4))
    bottom = rgb.getpixel((rgb.width // 2, rgb.height - 5))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    return bool(top[2] > top[0] and bottom[0] > bottom[2])


@pytest.mark.parametrize("key", ["portrait", "portrait_cw"])
def test_portrait_thumbnails_are_upright_like_a_player_shows_them(
    media: dict[str, Path], tmp_path: Path, key: str
) -> None:
    # ffmpeg applies the display matrix when decoding: that is how players show it.
    shown = tmp_path / "shown.png"
    run_ffmpeg(["-i", str(media[key]), "-frames:v", "1", str(shown)])
    with Image.open(shown) as frame:
        assert frame.height > frame.width
        expected_top = _stripe_at_top(frame)
    info = probe(media[key])
    thumbs = make_thumbnails(media[key], info, tmp_path / "cache")
    assert thumbs.poster is not None and thumbs.filmstrip is not None
    with Image.open(thumbs.poster) as poster:
        assert (poster.width, poster.height) == (320, 568)
        assert _stripe_at_top(poster) is expected_top
    with Image.open(thumbs.filmstrip) as strip:
        first = strip.crop((0, 0, 160, strip.height))
        assert first.height > first.width
        assert _stripe_at_top(first) is expected_top


@pytest.mark.parametrize("key", AUDIO + IMAGES)
def test_audio_and_images_get_a_thumbnail(media: dict[str, Path], tmp_path: Path, key: str) -> None:
    info = probe(media[key])
    thumbs = make_thumbnails(media[key], info, tmp_path)
    assert thumbs.poster is not None and thumbs.filmstrip is None
    with Image.open(thumbs.poster) as img:
        assert img.width == 320
        # A waveform or a picture: not a blank image.
        low, high = img.convert("L").getextrema()
        assert isinstance(low, int) and isinstance(high, int)
        assert high - low > 30


def test_thumbnail_cache_is_reused_and_rebuilt_when_missing_or_changed(
    media: dict[str, Path], tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(media["h264"].read_bytes())
    info = probe(clip)
    cache = tmp_path / "cache"
    first = make_thumbnails(clip, info, cache).poster
    assert first is not None
    stamp = first.stat().st_mtime_ns
    assert make_thumbnails(clip, info, cache).poster == first
    assert first.stat().st_mtime_ns == stamp  # not redrawn
    first.unlink()
    assert make_thumbnails(clip, info, cache).poster == first
    assert first.exists()
    clip.write_bytes(media["vp9"].read_bytes())  # the file changed: a new key
    assert make_thumbnails(clip, probe(clip), cache).poster != first


def test_thumbnail_key_follows_path_size_mtime_time_and_width(
    media: dict[str, Path], tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(media["h264"].read_bytes())
    key = fingerprint(clip, "poster", 0.4, 320)
    assert key == fingerprint(clip, "poster", 0.4, 320)  # stable
    assert key != fingerprint(clip, "poster", 0.5, 320)  # another frame time
    assert key != fingerprint(clip, "poster", 0.4, 160)  # another size
    assert key != fingerprint(clip, "strip10", 0.4, 320)  # another picture kind
    twin = tmp_path / "twin.mp4"
    twin.write_bytes(clip.read_bytes())
    stat = clip.stat()
    os.utime(twin, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert fingerprint(twin, "poster", 0.4, 320) != key  # another path
    os.utime(clip, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    touched = fingerprint(clip, "poster", 0.4, 320)
    assert touched != key  # touched: same bytes, new mtime
    with clip.open("ab") as fh:
        fh.write(b"\0")
    os.utime(clip, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert fingerprint(clip, "poster", 0.4, 320) not in (key, touched)  # same mtime, new size
    # The cache lives where it is told to: one poster and one strip per video.
    info = probe(media["h264"])
    made = make_thumbnails(media["h264"], info, tmp_path / "cache")
    assert {p.name for p in (tmp_path / "cache").iterdir()} == {
        made.poster.name if made.poster else "",
        made.filmstrip.name if made.filmstrip else "",
    }


@pytest.mark.parametrize("key", ["longgop", "h264"])
def test_filmstrip_frames_move_through_the_clip(
    media: dict[str, Path], tmp_path: Path, key: str
) -> None:
    # With one keyframe for the whole clip, seeking to each time would give
    # the same first frame ten times over: useless for hover-scrubbing.
    info = probe(media[key])
    strip_path = make_thumbnails(media[key], info, tmp_path).filmstrip
    assert strip_path is not None
    with Image.open(strip_path) as strip:
        grey = strip.convert("L")
        frames = [grey.crop((i * 160, 0, (i + 1) * 160, grey.height)) for i in range(10)]
    for before, after in itertools.pairwise(frames):
        change = ImageStat.Stat(ImageChops.difference(before, after)).mean[0]
        assert change > 1.0
