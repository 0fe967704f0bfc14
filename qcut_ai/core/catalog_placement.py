"""Where a model fal lists, but our overlay does not curate, belongs in the panel.

Placement follows the inputs fal's schema requires: a model that needs a
video and an audio track is a lipsync model whatever fal files it under, one
that needs reference images is reference-to-video, and so on. Only when the
inputs say nothing decisive does fal's own category decide.
"""

from __future__ import annotations

from collections.abc import Iterable

from qcut_ai.core.catalog_fields import FieldSpec, Role
from qcut_ai.core.catalog_schema import Category

_FAL_CATEGORIES = {
    "text-to-video": Category.TEXT_TO_VIDEO,
    "image-to-video": Category.IMAGE_TO_VIDEO,
    "video-to-video": Category.VIDEO_EDIT,
    "audio-to-video": Category.AVATAR,
}
_RESTORE_WORDS = ("upscale", "interpolat", "denoise", "deblur", "restore", "colorize", "hdr")


def _video_category(endpoint_id: str) -> Category:
    low = endpoint_id.lower()
    if any(word in low for word in _RESTORE_WORDS):
        return Category.UPSCALE
    if "extend" in low or "extension" in low:
        return Category.EXTEND
    if "lipsync" in low or "lip-sync" in low:
        return Category.LIPSYNC
    return Category.VIDEO_EDIT


def place(fields: Iterable[FieldSpec], fal_category: str, endpoint_id: str) -> tuple[Category, ...]:
    """The main category first, then any others the model also fits."""
    fields = list(fields)
    roles = {f.role for f in fields if f.role is not None}
    needed = {f.role for f in fields if f.role is not None and f.required}
    if Role.VIDEO in needed:
        if Role.AUDIO in needed:
            return (Category.LIPSYNC,)
        if Role.IMAGE in needed:
            return (Category.MOTION_TRANSFER,)
        return (_video_category(endpoint_id),)
    if Role.AUDIO in needed:
        return (Category.AVATAR,)
    if Role.REFERENCE_IMAGES in needed or (
        Role.REFERENCE_IMAGES in roles and Role.IMAGE not in needed
    ):
        return (Category.REFERENCE_TO_VIDEO,)
    if Role.END_IMAGE in needed:
        return (Category.FRAME_TO_VIDEO,)
    if Role.IMAGE in needed:
        if Role.END_IMAGE in roles:
            return (Category.IMAGE_TO_VIDEO, Category.FRAME_TO_VIDEO)
        return (Category.IMAGE_TO_VIDEO,)
    if Role.PROMPT in needed:
        return (Category.TEXT_TO_VIDEO,)
    return (_FAL_CATEGORIES.get(fal_category, Category.VIDEO_EDIT),)
