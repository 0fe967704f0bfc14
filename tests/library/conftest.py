"""Tiny real media files of many kinds, made once per test session with ffmpeg."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcut_ai.core.project import ProjectPaths
from qcut_ai.services.ffmpeg_tools import run_ffmpeg

SIZE = "160x90"
_VIDEO = ["-f", "lavfi", "-i", f"testsrc2=size={SIZE}:rate=25:duration=1"]
_AUDIO = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1"]
_YUV = ["-pix_fmt", "yuv420p"]
_H264 = ["-c:v", "libx264", "-preset", "ultrafast", *_YUV]


def _make(out: Path, args: list[str]) -> Path:
    run_ffmpeg([*args, str(out)])
    return out


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("media")
    m: dict[str, Path] = {}
    m["h264"] = _make(d / "h264.mp4", [*_VIDEO, *_AUDIO, *_H264, "-c:a", "aac", "-shortest"])
    m["hevc"] = _make(
        d / "hevc.mp4",
        [
            *_VIDEO,
            "-c:v",
            "libx265",
            "-preset",
            "ultrafast",
            "-x265-params",
            "log-level=none",
            "-pix_fmt",
            "yuv420p",
            "-tag:v",
            "hvc1",
        ],
    )
    m["vp9"] = _make(
        d / "vp9.webm",
        [
            *_VIDEO,
            *_AUDIO,
            "-c:v",
            "libvpx-vp9",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-b:v",
            "200k",
            "-c:a",
            "libopus",
            "-shortest",
        ],
    )
    m["prores"] = _make(d / "prores.mov", [*_VIDEO, "-c:v", "prores_ks", "-profile:v", "0"])
    m["noaudio"] = _make(d / "noaudio.mp4", [*_VIDEO, *_H264])
    # How API encoders often work: one keyframe for the whole clip, B-frames.
    m["longgop"] = _make(
        d / "longgop.mp4",
        [*_VIDEO, "-c:v", "libx264", "-preset", "veryfast", "-g", "250", "-bf", "3", *_YUV],
    )
    # Blue stripe on the left, red elsewhere: shows which way a picture was turned.
    striped = _make(
        d / "striped.mp4",
        [
            "-f",
            "lavfi",
            "-i",
            f"color=c=red:size={SIZE}:rate=25:duration=1,"
            "drawbox=x=0:y=0:w=40:h=90:color=blue:t=fill",
            *_H264,
        ],
    )
    # Phone clips: the picture is stored landscape, a display matrix turns it.
    for key, angle in (("portrait", "90"), ("portrait_cw", "-90")):
        m[key] = _make(
            d / f"{key}.mp4", ["-display_rotation:v:0", angle, "-i", str(striped), "-c", "copy"]
        )
    m["wav"] = _make(d / "tone.wav", [*_AUDIO])
    m["mp3"] = _make(d / "tone.mp3", [*_AUDIO, "-c:a", "libmp3lame", "-b:a", "64k"])
    m["aac"] = _make(d / "tone.m4a", [*_AUDIO, "-c:a", "aac", "-b:a", "64k"])
    m["png"] = _make(d / "still.png", [*_VIDEO, "-frames:v", "1"])
    m["jpg"] = _make(d / "still.jpg", [*_VIDEO, "-frames:v", "1"])
    # Broken files a user could meet.
    long_clip = _make(
        d / "long.mp4",
        ["-f", "lavfi", "-i", f"testsrc2=size={SIZE}:rate=25:duration=3", *_H264],
    )
    long_fast = _make(
        d / "long_fast.mp4", ["-i", str(long_clip), "-c", "copy", "-movflags", "+faststart"]
    )
    data = long_clip.read_bytes()
    m["no_moov"] = d / "no_moov.mp4"  # index at the end, cut off
    m["no_moov"].write_bytes(data[: len(data) // 2])
    fast = long_fast.read_bytes()
    m["cut_tail"] = d / "cut_tail.mp4"  # index intact, media data cut off
    m["cut_tail"].write_bytes(fast[: len(fast) // 2])
    m["html"] = d / "expired.mp4"
    m["html"].write_text("<!DOCTYPE html><html><body>Access denied</body></html>")
    m["empty"] = d / "empty.mp4"
    m["empty"].write_bytes(b"")
    m["garbage"] = d / "garbage.mov"
    m["garbage"].write_bytes(bytes(range(256)) * 64)
    png = m["png"].read_bytes()
    m["cut_png"] = d / "cut.png"  # a still image cut off mid-way
    m["cut_png"].write_bytes(png[: len(png) // 2])
    return m


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    return ProjectPaths.at(tmp_path / "Project").ensure()


@pytest.fixture
def thumbs(tmp_path: Path) -> Path:
    return tmp_path / "thumbs"


@pytest.fixture
def trash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private freedesktop trash folder; returns its `files` folder.

    send2trash reads XDG_DATA_HOME once, at import, so the environment alone
    would send every later test's files to the first test's folder.
    """
    import os

    from send2trash import plat_other

    data = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", os.fsencode(data))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", os.fsencode(data / "Trash"))
    monkeypatch.setattr(plat_other, "HOMETRASH", str(data / "Trash"))
    return data / "Trash" / "files"
