"""Read what a video request asks for, as generously as fal's models accept it.

Models spell the same things differently: `duration` may be 8, "8" or "8s";
size comes as `resolution` ("720p", "4k"), `aspect_ratio` ("16:9", "auto"),
`video_size` ("landscape_16_9" or {"width", "height"}), or `num_frames` plus
`frames_per_second`. Anything unreadable falls back to 4 s at 16:9 720p.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

DEFAULT_DURATION = 4.0
DEFAULT_SHORT_SIDE = 720
MAX_DURATION = 60.0

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|second|seconds)?\s*$", re.I)
_RESOLUTION = re.compile(r"^\s*(\d{3,4})\s*p?\s*$", re.I)
_NAMED_RESOLUTIONS = {"4k": 2160, "uhd": 2160, "2k": 1440, "qhd": 1440, "fhd": 1080, "hd": 720}
_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[:x/_]\s*(\d+(?:\.\d+)?)\s*$")
_SIZE = re.compile(r"^\s*(\d{2,5})\s*[x*]\s*(\d{2,5})\s*$")
_NAMED_SIZES = {
    "landscape_16_9": Fraction(16, 9),
    "landscape_4_3": Fraction(4, 3),
    "portrait_16_9": Fraction(9, 16),
    "portrait_4_3": Fraction(3, 4),
    "square": Fraction(1, 1),
    "square_hd": Fraction(1, 1),
}


@dataclass(frozen=True)
class VideoAsk:
    """The video a request asks for, at its true size."""

    width: int
    height: int
    duration: float
    audio: bool

    @property
    def aspect(self) -> float:
        return self.width / self.height


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def parse_duration(value: Any) -> float | None:
    """Seconds from 8, 8.5, "8", "8s", "8 seconds"; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (match := _DURATION.match(value)):
        seconds = float(match.group(1))
    else:
        return None
    if seconds <= 0:
        return None
    return min(seconds, MAX_DURATION)


def parse_resolution(value: Any) -> int | None:
    """The short side in pixels from "480p", "1080p", "4k", 720; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 64 <= value <= 4320 else None
    if not isinstance(value, str):
        return None
    key = value.strip().lower()
    if key in _NAMED_RESOLUTIONS:
        return _NAMED_RESOLUTIONS[key]
    match = _RESOLUTION.match(key)
    return int(match.group(1)) if match else None


def parse_aspect(value: Any) -> Fraction | None:
    """Width/height from "16:9", "9:16", "1:1", "21:9"; None for "auto" or unreadable."""
    if not isinstance(value, str):
        return None
    match = _RATIO.match(value)
    if not match:
        return None
    w, h = Fraction(match.group(1)), Fraction(match.group(2))
    if w <= 0 or h <= 0:
        return None
    return w / h


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _explicit_size(args: dict[str, Any]) -> tuple[int, int] | None:
    for key in ("video_size", "image_size", "size"):
        value = args.get(key)
        if isinstance(value, dict):
            w, h = value.get("width"), value.get("height")
            if isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0:
                return w, h
        if isinstance(value, str) and (match := _SIZE.match(value)):
            return int(match.group(1)), int(match.group(2))
    return None


def _named_aspect(args: dict[str, Any]) -> Fraction | None:
    for key in ("video_size", "image_size"):
        value = args.get(key)
        if isinstance(value, str) and value.strip().lower() in _NAMED_SIZES:
            return _NAMED_SIZES[value.strip().lower()]
    return None


def _duration_of(args: dict[str, Any]) -> float:
    for key in ("duration", "seconds", "num_seconds", "video_length", "length"):
        if key in args and (seconds := parse_duration(args[key])) is not None:
            return seconds
    frames = args.get("num_frames")
    if isinstance(frames, int) and not isinstance(frames, bool) and frames > 0:
        fps = args.get("frames_per_second") or args.get("fps") or 16
        if isinstance(fps, int | float) and not isinstance(fps, bool) and fps > 0:
            return min(frames / float(fps), MAX_DURATION)
    return DEFAULT_DURATION


def wants_audio(args: Mapping[str, Any]) -> bool:
    """Audio when asked for (`generate_audio`) or when an audio input drives the model."""
    if _truthy(args.get("generate_audio", False)):
        return True
    return bool(args.get("audio_url"))


def video_ask(args: dict[str, Any]) -> VideoAsk:
    """The true size, duration and audio a request asks for."""
    duration = _duration_of(args)
    audio = wants_audio(args)
    size = _explicit_size(args)
    if size is not None:
        return VideoAsk(_even(size[0]), _even(size[1]), duration, audio)
    ratio = parse_aspect(args.get("aspect_ratio")) or _named_aspect(args) or Fraction(16, 9)
    short = parse_resolution(args.get("resolution")) or DEFAULT_SHORT_SIDE
    if ratio >= 1:
        width, height = short * ratio, Fraction(short)
    else:
        width, height = Fraction(short), short / ratio
    return VideoAsk(_even(float(width)), _even(float(height)), duration, audio)


def scaled_size(width: int, height: int, max_short_side: int | None) -> tuple[int, int]:
    """Shrink to a short-side cap keeping the aspect ratio; even sides for yuv420p."""
    short = min(width, height)
    if max_short_side is None or short <= max_short_side:
        return _even(width), _even(height)
    factor = max_short_side / short
    return _even(width * factor), _even(height * factor)
