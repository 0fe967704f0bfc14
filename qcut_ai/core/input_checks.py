"""Checks on one media input against the selected models, before anything is uploaded.

Format and size follow each model's upload limits; image shapes follow the
models' aspect ratios, and a last frame must have the first frame's shape.
Pure rules: workers read the files (`qcut_ai.services.uploads.inspect_local`,
pixel sizes) and the form and the runner ask these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qcut_ai.core.catalog import MediaRole, ModelSpec, Role
from qcut_ai.core.options import aspect_value

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
    if role in ("image", "end_image", "reference_images"):
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


@dataclass(frozen=True)
class LocalFile:
    """What was read of a local input file: whether it is there, its type and size, and
    why its content cannot be sent (None when it can)."""

    path: str
    exists: bool
    suffix: str = ""
    size: int = 0
    problem: str | None = None


def input_problem(facts: LocalFile, role: str, endpoint: str) -> str | None:
    """Why the file cannot be sent in `role` to `endpoint` (lower-case phrase), else None."""
    allowed, cap = limits_for(role, endpoint)
    if not facts.exists:
        return "file not found"
    if facts.suffix not in allowed:
        kinds = ", ".join(sorted(e.lstrip(".").upper() for e in allowed))
        return f"{facts.suffix or 'no extension'} is not accepted; use {kinds}"
    if facts.size == 0:
        return "the file is empty"
    if facts.size > cap:
        return f"{facts.size / MB:.1f} MB is over this model's {cap // MB} MB limit"
    return facts.problem


# A picture counts as a given ratio when within this relative distance: phone
# and camera sizes (1080x1920, 1920x1088) are a hair off the nominal ratio.
RATIO_TOLERANCE = 0.03
# First and last frame must agree more closely: the models refuse or distort.
FRAME_TOLERANCE = 0.01

_TYPES = {
    MediaRole.IMAGE: IMAGE_TYPES,
    MediaRole.END_IMAGE: IMAGE_TYPES,
    MediaRole.AUDIO: AUDIO_TYPES,
    MediaRole.VIDEO: VIDEO_TYPES,
    MediaRole.REFERENCE_IMAGES: IMAGE_TYPES,
}


def accepted_suffixes(role: MediaRole) -> set[str]:
    """File extensions (with the dot) any model takes for this role."""
    return set(_TYPES[role])


def models_with(specs: Sequence[ModelSpec], role: MediaRole) -> list[ModelSpec]:
    """The models that take an input in this role."""
    return [s for s in specs if role in s.media_fields().values()]


def file_problem(
    facts: LocalFile | None, path: str, role: MediaRole, specs: Sequence[ModelSpec]
) -> str | None:
    """Why the file cannot be sent to one of the models (type, size, content), else None.

    A URL (an input that is already online, e.g. from a past request) is fal's to check;
    a file not read yet (`facts` None) has no known problem.
    """
    if is_remote(path) or facts is None:
        return None
    with_role = models_with(specs, role)
    for spec in with_role:
        problem = input_problem(facts, role.value, spec.endpoint)
        if problem is not None:
            many = len(with_role) > 1
            return f"{spec.name}: {problem}." if many else f"{problem[:1].upper()}{problem[1:]}."
    return None


def _ratio_text(size: tuple[int, int]) -> str:
    width, height = size
    for name in ("21:9", "16:9", "4:3", "1:1", "3:4", "9:16", "9:21"):
        value = aspect_value(name) or 1.0
        if abs(width / height - value) / value <= RATIO_TOLERANCE:
            return f"{name} ({width}x{height})"
    return f"{width}x{height}"


def ratio_problem(size: tuple[int, int], role: MediaRole, specs: Sequence[ModelSpec]) -> str | None:
    """Why a picture's shape does not suit a model that fixes the aspect ratio, else None."""
    if role not in (MediaRole.IMAGE, MediaRole.END_IMAGE) or min(size) <= 0:
        return None
    ratio = size[0] / size[1]
    for spec in models_with(specs, role):
        offered = spec.options(Role.ASPECT_RATIO)
        values = [aspect_value(a) for a in offered]
        if not offered or "auto" in offered or None in values:
            continue
        if any(abs(ratio - v) / v <= RATIO_TOLERANCE for v in values if v):
            continue
        allowed = " or ".join(offered)
        return (
            f"{spec.name} makes {allowed} video and this picture is {_ratio_text(size)}; "
            f"crop it to {allowed} or deselect the model."
        )
    return None


def frames_problem(
    first: tuple[int, int] | None, last: tuple[int, int] | None, specs: Sequence[ModelSpec]
) -> str | None:
    """Why the last frame's shape does not match the first frame's, else None."""
    if first is None or last is None or min(*first, *last) <= 0:
        return None
    strict = [s for s in models_with(specs, MediaRole.END_IMAGE) if s.same_aspect_frames]
    if not strict:
        return None
    a, b = first[0] / first[1], last[0] / last[1]
    if abs(a - b) / a <= FRAME_TOLERANCE:
        return None
    return (
        f"The last frame is {_ratio_text(last)} but the first frame is {_ratio_text(first)}; "
        "crop both to the same aspect ratio."
    )


def kind_of(path: str) -> MediaRole | None:
    """The role family a file's extension belongs to (IMAGE for any picture), else None."""
    suffix = Path(path).suffix.lower()
    for role in (MediaRole.IMAGE, MediaRole.AUDIO, MediaRole.VIDEO):
        if suffix in _TYPES[role]:
            return role
    return None


def reference_limit(specs: Sequence[ModelSpec]) -> tuple[int, str] | None:
    """The fewest reference images a selected model takes (from its schema's
    `max_items`) and that model's name; None when no selected model sets a limit."""
    limits: list[tuple[int, str]] = []
    for spec in models_with(specs, MediaRole.REFERENCE_IMAGES):
        for name, role in spec.media_fields().items():
            field = spec.field(name)
            if role is MediaRole.REFERENCE_IMAGES and field is not None and field.max_items:
                limits.append((field.max_items, spec.name))
    return min(limits) if limits else None


def reference_problem(count: int, specs: Sequence[ModelSpec]) -> str | None:
    """One sentence when `count` reference images is more than a selected model takes."""
    limit = reference_limit(specs)
    if limit is None or count <= limit[0]:
        return None
    most, name = limit
    noun = "image" if most == 1 else "images"
    return f"{name} takes at most {most} reference {noun}, not {count}."
