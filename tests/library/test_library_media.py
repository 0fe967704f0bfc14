"""Probing, verification and thumbnails over many real media kinds."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from qcut_ai.core.errors import MediaError
from qcut_ai.core.media import MediaKind
from qcut_ai.library.probe import probe, verify_media
from qcut_ai.library.thumbnails import make_thumbnails

VIDEOS = ["h264", "hevc", "vp9", "prores", "noaudio", "portrait"]
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


def test_portrait_video_reports_display_size_and_rotation(media: dict[str, Path]) -> None:
    info = probe(media["portrait"])
    assert (info.width, info.height) == (90, 160)
    assert info.rotation in (90, 270)


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
    assert "again" in text  # says what to do


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


def test_portrait_poster_is_upright(media: dict[str, Path], tmp_path: Path) -> None:
    info = probe(media["portrait"])
    thumbs = make_thumbnails(media["portrait"], info, tmp_path)
    assert thumbs.poster is not None
    with Image.open(thumbs.poster) as poster:
        assert poster.height > poster.width


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
