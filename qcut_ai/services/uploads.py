"""Checks on local input files before they are uploaded (and paid for)."""

from __future__ import annotations

from pathlib import Path

from qcut_ai.core.errors import FieldError, InvalidRequestError

MB = 1024 * 1024

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
    return path
