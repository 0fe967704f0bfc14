"""The media record's plain names: what a file is, where it came from, the filmstrip's
frame width. Apart from the pydantic records (`core.media`), so the views that only
name them load before the window's first paint without pydantic."""

from __future__ import annotations

from enum import StrEnum


class MediaKind(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    IMAGE = "image"


class Origin(StrEnum):
    AI = "ai"  # generated through fal (or the offline stand-in)
    IMPORTED = "imported"  # brought in from disk


# Width of one frame of a filmstrip image (thumbnails make it, views cut it).
STRIP_FRAME_WIDTH = 160
