"""Stand-in results made from a request's own media: extend, edit, lipsync, avatars.

When a request's media inputs are files the stand-in holds (uploaded to it,
or results it served), the result is made from them the way the real models
shape theirs:

* an extend result starts with the source's last frame (extracted exactly,
  by decoding to the end) and is longer than the source: the source's
  length plus the extension asked for;
* an edit keeps the source's length and size (its frames, captioned);
* lipsync and avatar results last as long as the driving audio;
* an image input is the first frame; an audio input is the soundtrack.

Inputs the stand-in cannot read (URLs elsewhere) leave the plain render.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qcut_ai.core.errors import MediaError
from qcut_ai.services.ffmpeg_tools import run_ffmpeg
from qcut_ai.services.last_frame import extract_last_frame
from qcut_ai.services.rehearsal.arguments import parse_duration, scaled_size, wants_audio
from qcut_ai.services.rehearsal.renderer import RENDER_FPS, filter_path, font_file

log = logging.getLogger(__name__)

IMAGE_FIELDS = ("image_url", "start_image_url", "first_frame_url", "first_image_url")
VIDEO_FIELDS = ("video_url", "source_video_url")
AUDIO_FIELDS = ("audio_url", "driven_audio_url")
DEFAULT_EXTENSION_S = 4.0
MAX_SECONDS = 60.0
_RESTORE_WORDS = ("upscale", "interpolat", "denoise", "deblur", "colorize")


@dataclass(frozen=True)
class Probe:
    width: int
    height: int
    seconds: float
    has_audio: bool


def probe(path: Path) -> Probe:
    """Size, length and sound of a video or audio file (a still image has no length)."""
    import av

    with av.open(str(path)) as container:
        video = container.streams.video[0] if container.streams.video else None
        seconds = container.duration / 1_000_000 if container.duration else 0.0
        if not seconds and video is not None and video.duration and video.time_base:
            seconds = float(video.duration * video.time_base)
        return Probe(
            video.codec_context.width if video is not None else 0,
            video.codec_context.height if video is not None else 0,
            seconds,
            bool(container.streams.audio),
        )


@dataclass(frozen=True)
class DerivedSpec:
    """What to make and from which files: the cache key of a derived render."""

    kind: str  # "extend", "edit", "lipsync", "still" (image first frame), "soundtrack"
    width: int
    height: int
    duration: float
    title: str
    caption: str
    image: Path | None = None
    video: Path | None = None
    audio: Path | None = None
    tone: bool = False  # a generated soundtrack when the request asks for sound and gave none

    def key(self) -> str:
        digest = hashlib.sha1()
        shape = (self.kind, self.width, self.height, round(self.duration, 3), self.tone)
        digest.update(repr(shape).encode())
        digest.update((self.title + "\0" + self.caption).encode("utf-8"))
        for path in (self.image, self.video, self.audio):
            if path is not None:
                digest.update(hashlib.sha1(path.read_bytes()).digest())
        return "derived-" + digest.hexdigest()[:20]


def _first(
    arguments: Mapping[str, Any], names: tuple[str, ...], lookup: Callable[[str], Path | None]
) -> Path | None:
    for name in names:
        value = arguments.get(name)
        if isinstance(value, str) and value:
            found = lookup(value)
            if found is not None:
                return found
    return None


def plan(
    endpoint: str,
    arguments: Mapping[str, Any],
    lookup: Callable[[str], Path | None],
    *,
    size: tuple[int, int],
    duration: float,
    title: str,
    caption: str,
    max_short_side: int | None,
) -> DerivedSpec | None:
    """The derived render for this request, or None for the plain one."""
    image = _first(arguments, IMAGE_FIELDS, lookup)
    video = _first(arguments, VIDEO_FIELDS, lookup)
    audio = _first(arguments, AUDIO_FIELDS, lookup)
    low = endpoint.lower()
    if video is not None and not any(word in low for word in _RESTORE_WORDS):
        source = probe(video)
        width, height = source.width, source.height
        if "extend" in low or "extension" in low:
            asked = parse_duration(arguments.get("duration")) or DEFAULT_EXTENSION_S
            total = min(MAX_SECONDS, source.seconds + asked)
            return DerivedSpec(
                "extend",
                width,
                height,
                total,
                title,
                caption,
                video=video,
                tone=wants_audio(arguments),
            )
        if audio is not None:
            length = probe(audio).seconds or source.seconds
            return DerivedSpec(
                "lipsync", width, height, length, title, caption, video=video, audio=audio
            )
        return DerivedSpec("edit", width, height, source.seconds, title, caption, video=video)
    if audio is not None:
        heard = probe(audio).seconds
        # Avatars and audio-driven models last as long as the voice; others as asked.
        needs_audio = image is not None and "duration" not in arguments
        length = heard if (needs_audio or "audio-to-video" in low) and heard else duration
        width, height = _image_size(image, size, max_short_side) if image else size
        kind = "still" if image is not None else "soundtrack"
        return DerivedSpec(kind, width, height, length, title, caption, image=image, audio=audio)
    if image is not None:
        # A fixed aspect ratio is the asked size; otherwise the result takes the image's shape.
        fixed = arguments.get("aspect_ratio") not in (None, "auto", "adaptive")
        width, height = size if fixed else _image_size(image, size, max_short_side)
        return DerivedSpec(
            "still",
            width,
            height,
            duration,
            title,
            caption,
            image=image,
            tone=wants_audio(arguments),
        )
    return None


def _image_size(image: Path, asked: tuple[int, int], cap: int | None) -> tuple[int, int]:
    """The image's own shape, scaled to the asked size's short side (and the profile cap)."""
    from PIL import Image

    with Image.open(image) as img:
        width, height = img.size
    short = min(asked)
    factor = short / min(width, height)
    return scaled_size(round(width * factor), round(height * factor), cap)


def _caption_filter(text_file: Path, height: int, *, from_frame: int) -> str:
    font = font_file()
    font_opt = f"fontfile={filter_path(Path(font))}:" if font else ""
    size = max(8, height // 14)
    return (
        f"drawtext={font_opt}textfile={filter_path(text_file)}:fontsize={size}:expansion=none"
        f":fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4:x=8:y=8"
        f":enable='gte(n\\,{from_frame})'"
    )


class DerivedRenderer:
    """Encodes and caches derived results under one directory. Thread-safe."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def render(self, spec: DerivedSpec) -> Path:
        key = spec.key()
        target = self.directory / f"{key}.mp4"
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if target.is_file() and target.stat().st_size > 0:
                return target
            partial = self.directory / f"{key}.part.mp4"
            self._encode(spec, partial)
            partial.replace(target)
            return target

    def last_frame(self, video: Path, out: Path) -> Path:
        """The video's very last frame as an image: every frame is decoded and the last
        one kept (a seek would land on a keyframe)."""
        return extract_last_frame(video, out)

    def _encode(self, spec: DerivedSpec, out: Path) -> None:
        text = out.with_suffix(".txt")
        text.write_text("\n".join([spec.title, spec.caption or "(no prompt)"][:3]), "utf-8")
        size = f"{spec.width}x{spec.height}"
        seconds = f"{spec.duration:.3f}"
        fit = (
            f"scale={size}:force_original_aspect_ratio=decrease,"
            f"pad={spec.width}:{spec.height}:(ow-iw)/2:(oh-ih)/2,setsar=1"
        )
        args: list[str]
        audio_map: list[str] = []
        try:
            if spec.kind == "extend":
                assert spec.video is not None
                still = self.last_frame(spec.video, out.with_suffix(".last.png"))
                args = ["-loop", "1", "-framerate", str(RENDER_FPS), "-i", str(still)]
                vf = f"{fit},format=yuv420p," + _caption_filter(text, spec.height, from_frame=1)
            elif spec.kind in ("edit", "lipsync"):
                assert spec.video is not None
                loop = ["-stream_loop", "-1"] if spec.kind == "lipsync" else []
                args = [*loop, "-i", str(spec.video)]
                vf = "format=yuv420p," + _caption_filter(text, spec.height, from_frame=0)
                if spec.kind == "edit" and probe(spec.video).has_audio:
                    audio_map = ["-map", "0:a:0"]
            elif spec.image is not None:
                args = ["-loop", "1", "-framerate", str(RENDER_FPS), "-i", str(spec.image)]
                vf = f"{fit},format=yuv420p," + _caption_filter(text, spec.height, from_frame=1)
            else:
                source = f"testsrc2=size={size}:rate={RENDER_FPS}:duration={seconds}"
                args = ["-f", "lavfi", "-i", source]
                vf = "format=yuv420p," + _caption_filter(text, spec.height, from_frame=0)
            if spec.audio is not None:
                args += ["-i", str(spec.audio)]
                audio_map = ["-map", "1:a:0"]
            elif spec.tone:
                args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:d={seconds}"]
                audio_map = ["-map", "1:a:0"]
            tail = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
            if audio_map:
                tail += ["-c:a", "aac", "-b:a", "64k", "-ac", "2"]
            tail += ["-t", seconds, "-movflags", "+faststart", "-f", "mp4", str(out)]
            maps = ["-map", "0:v:0", *audio_map, "-r", str(RENDER_FPS)]
            try:
                run_ffmpeg([*args, *maps, "-vf", vf, *tail], timeout=300.0)
            except MediaError as exc:  # drawtext or its font missing: the picture matters more
                log.warning("Stand-in: captioning failed (%s); rendering without text.", exc)
                plain = vf.split(",drawtext=", 1)[0].removesuffix(",format=yuv420p")
                run_ffmpeg([*args, *maps, "-vf", plain + ",format=yuv420p", *tail], timeout=300.0)
        finally:
            text.unlink(missing_ok=True)
            out.with_suffix(".last.png").unlink(missing_ok=True)
