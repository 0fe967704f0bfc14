"""Checks on local input files before they are uploaded (and paid for)."""

from __future__ import annotations

import warnings
from pathlib import Path

from qcut_ai.core.errors import FieldError, InvalidRequestError

MB = 1024 * 1024
# Below this many pixels on a side no video model makes anything usable of a frame.
MIN_IMAGE_SIDE = 64
# Avatar models bill by the second of audio; no model in the catalogue takes more.
MAX_AUDIO_SECONDS = 180.0

IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
AUDIO_TYPES = {".mp3", ".wav", ".aac", ".m4a"}
VIDEO_TYPES = {".mp4", ".mov", ".webm", ".m4v"}


def limits_for(role: str, endpoint: str) -> tuple[set[str], int]:
    """Allowed extensions and the size cap in bytes for one input role on one model."""
    if role in ("image", "end_image"):
        cap = 8 * MB if endpoint.startswith("fal-ai/veo3.1") else 10 * MB
        return IMAGE_TYPES, cap
    if role == "audio":
        return AUDIO_TYPES, 50 * MB
    if role == "video":
        cap = 500 * MB if "upscale" in endpoint else 100 * MB
        return VIDEO_TYPES, cap
    raise ValueError(f"unknown media role {role!r}")


def is_remote(value: str) -> bool:
    return value.startswith(("http://", "https://", "data:"))


def check_local_input(path_text: str, role: str, endpoint: str, field: str) -> Path:
    """Raise InvalidRequestError naming the field unless the file can be sent."""
    path = Path(path_text).expanduser()
    allowed, cap = limits_for(role, endpoint)
    if not path.is_file():
        raise InvalidRequestError([FieldError(field, path_text, "file not found")])
    ext = path.suffix.lower()
    if ext not in allowed:
        kinds = ", ".join(sorted(e.lstrip(".").upper() for e in allowed))
        raise InvalidRequestError(
            [FieldError(field, path.name, f"{ext or 'no extension'} is not accepted; use {kinds}")]
        )
    size = path.stat().st_size
    if size == 0:
        raise InvalidRequestError([FieldError(field, path.name, "the file is empty")])
    if size > cap:
        raise InvalidRequestError(
            [
                FieldError(
                    field,
                    path.name,
                    f"{size / MB:.1f} MB is over this model's {cap // MB} MB limit",
                )
            ]
        )
    problem = content_problem(path, role)
    if problem:
        raise InvalidRequestError([FieldError(field, path.name, problem)])
    return path


def content_problem(path: Path, role: str) -> str | None:
    """Why the file's content (not its name) cannot be sent in this role, else None."""
    if role in ("image", "end_image"):
        return _image_problem(path)
    if role == "audio":
        return _audio_problem(path)
    return None


def _image_problem(path: Path) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                mode, frames = img.mode, getattr(img, "n_frames", 1)
                img.load()  # decodes every pixel: a truncated file fails here
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return "has far too many pixels to be an input frame"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "is not a readable image (it is damaged, incomplete or another kind of file)"
    if min(width, height) < MIN_IMAGE_SIDE:
        return (
            f"{width}x{height} pixels is too small; use at least {MIN_IMAGE_SIDE} pixels "
            "on each side"
        )
    if mode == "CMYK":
        return "is a CMYK (print) image; save it as RGB first"
    if frames > 1:
        return "is an animated image; use a single still frame"
    return None


def _audio_problem(path: Path) -> str | None:
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return "holds no audio"
            stream = container.streams.audio[0]
            seconds = container.duration / 1_000_000 if container.duration else 0.0
            if not seconds and stream.duration and stream.time_base:
                seconds = float(stream.duration * stream.time_base)
    except (av.FFmpegError, OSError, ValueError):
        return "is not a readable audio file"
    if seconds > MAX_AUDIO_SECONDS:
        return (
            f"is {seconds / 60:.1f} minutes long, longer than the "
            f"{MAX_AUDIO_SECONDS / 60:.0f} minutes a model takes; trim it first"
        )
    return None


def local_image_size(value: str | None) -> tuple[int, int] | None:
    """Pixel size of a local image input (None for URLs and unreadable files)."""
    if not value or is_remote(value):
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(Path(value).expanduser()) as img:
            size: tuple[int, int] = img.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return size
