"""The generation tabs' titles, apart from the tabs, so the tab bar is laid out
before any tab (and the catalogue and form modules it needs) is built."""

from __future__ import annotations

from qcut_ai.core.catalog_kinds import Category

# Each category's tab, in panel order: its title and the short title of a narrow dock.
TAB_TITLES: dict[Category, tuple[str, str]] = {
    Category.TEXT_TO_VIDEO: ("Text to Video", "Text"),
    Category.IMAGE_TO_VIDEO: ("Image to Video", "Image"),
    Category.FRAME_TO_VIDEO: ("Frame to Video", "Frames"),
    Category.REFERENCE_TO_VIDEO: ("Reference to Video", "Refs"),
    Category.EXTEND: ("Extend", "Extend"),
    Category.VIDEO_EDIT: ("Edit Video", "Edit"),
    Category.LIPSYNC: ("Lipsync", "Lipsync"),
    Category.AVATAR: ("Avatar", "Avatar"),
    Category.MOTION_TRANSFER: ("Motion Transfer", "Motion"),
    Category.UPSCALE: ("Upscale", "Upscale"),
}
