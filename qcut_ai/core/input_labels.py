"""What inputs and fields are called in the panel, shared by forms, checks and messages."""

from __future__ import annotations

from qcut_ai.core.catalog import Category, MediaRole


def slot_label(category: Category, role: MediaRole) -> str:
    """What an input is called in a tab, e.g. "First frame" on Frame to Video."""
    if role is MediaRole.IMAGE:
        return {
            Category.FRAME_TO_VIDEO: "First frame",
            Category.AVATAR: "Portrait image",
        }.get(category, "Image")
    if role is MediaRole.END_IMAGE:
        return "Last frame"
    if role is MediaRole.REFERENCE_IMAGES:
        return "Reference images"
    if role is MediaRole.AUDIO:
        return "Voice audio" if category is Category.AVATAR else "Audio"
    return {Category.UPSCALE: "Source video", Category.AVATAR: "Driving video"}.get(
        category, "Video"
    )


def field_label(name: str) -> str:
    """ "cfg_scale" -> "Cfg scale"."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
