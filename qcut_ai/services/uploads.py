"""Reading local input files before they are uploaded (and paid for).

`inspect_local` gathers what the rules in `qcut_ai.core.input_checks` need
(stat and a content check that decodes the file), so it runs in workers; the
rules themselves are pure and shared by the form and the runner.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from qcut_ai.core.errors import FieldError, InvalidRequestError
from qcut_ai.core.input_checks import (
    MAX_AUDIO_SECONDS,
    MIN_IMAGE_SIDE,
    LocalFile,
    input_problem,
    is_remote,
)


def inspect_local(path_text: str, role: str) -> LocalFile:
    """What the checks need to know of a local file (stat, and its content for `role`)."""
    path = Path(path_text).expanduser()
    if not path.is_file():
        return LocalFile(path_text, exists=False)
    size = path.stat().st_size
    content = content_problem(path, role) if size else None
    return LocalFile(path_text, exists=True, suffix=path.suffix.lower(), size=size, problem=content)


def check_local_input(path_text: str, role: str, endpoint: str, field: str) -> Path:
    """Raise InvalidRequestError naming the field unless the file can be sent."""
    problem = input_problem(inspect_local(path_text, role), role, endpoint)
    if problem is not None:
        name = Path(path_text).name or path_text
        raise InvalidRequestError([FieldError(field, name, problem)])
    return Path(path_text).expanduser()


def content_problem(path: Path, role: str) -> str | None:
    """Why the file's content (not its name) cannot be sent in this role, else None."""
    if role in ("image", "end_image", "reference_images"):
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
