"""Real MP4s for the stand-in's results, made with ffmpeg and cached.

Each result is an H.264 yuv420p file with +faststart, an AAC track when the
request asked for audio, and the model and prompt drawn on the frames so a
person can tell previews apart. Identical requests share one render.
"""

from __future__ import annotations

import hashlib
import logging
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

from qcut_ai.services.ffmpeg_tools import run_ffmpeg

log = logging.getLogger(__name__)

RENDER_FPS = 24
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/Arial.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


@dataclass(frozen=True)
class RenderSpec:
    """Exactly what to encode: the cache key of a render."""

    width: int
    height: int
    duration: float
    audio: bool
    title: str
    caption: str

    def key(self) -> str:
        raw = repr(
            (self.width, self.height, round(self.duration, 3), self.audio, self.title, self.caption)
        )
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


def font_file() -> str | None:
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return None


def filter_path(path: Path) -> str:
    # Filter-graph option values need ':' and '\' escaped and quotes around them.
    text = path.as_posix().replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")
    return f"'{text}'"


def _text_lines(spec: RenderSpec) -> str:
    chars = max(12, spec.width // max(6, spec.height // 16))
    caption = textwrap.wrap(spec.caption or "(no prompt)", width=chars)[:3]
    return "\n".join([spec.title, *caption])


class Renderer:
    """Encodes and caches result videos under one directory. Thread-safe."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self.text_disabled = False

    def _lock_for(self, key: str) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def render(self, spec: RenderSpec) -> Path:
        """The MP4 for `spec`, encoding it on first use."""
        key = spec.key()
        target = self.directory / f"{key}.mp4"
        with self._lock_for(key):
            if target.is_file() and target.stat().st_size > 0:
                return target
            partial = self.directory / f"{key}.part.mp4"
            if not self.text_disabled:
                try:
                    self._encode(spec, partial, with_text=True)
                    partial.replace(target)
                    return target
                except Exception as exc:  # drawtext or fonts missing: keep going without text
                    log.warning("Stand-in: drawing text failed (%s); rendering without text.", exc)
                    self.text_disabled = True
            self._encode(spec, partial, with_text=False)
            partial.replace(target)
            return target

    def _encode(self, spec: RenderSpec, out: Path, *, with_text: bool) -> None:
        size = f"{spec.width}x{spec.height}"
        duration = f"{spec.duration:.3f}"
        args = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={RENDER_FPS}:duration={duration}"]
        if spec.audio:
            args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:d={duration}"]
        if with_text:
            text_file = out.with_suffix(".txt")
            text_file.write_text(_text_lines(spec), encoding="utf-8")
            font = font_file()
            font_opt = f"fontfile={filter_path(Path(font))}:" if font else ""
            fontsize = max(8, spec.height // 14)
            args += [
                "-vf",
                f"drawtext={font_opt}textfile={filter_path(text_file)}:fontsize={fontsize}"
                ":expansion=none:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4:x=8:y=8",
            ]
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
        if spec.audio:
            args += ["-c:a", "aac", "-b:a", "64k", "-ac", "2"]
        args += ["-t", duration, "-movflags", "+faststart", "-f", "mp4", str(out)]
        try:
            run_ffmpeg(args, timeout=300.0)
        finally:
            if with_text:
                out.with_suffix(".txt").unlink(missing_ok=True)
