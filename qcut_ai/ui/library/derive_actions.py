"""Which derive actions the library offers for an item, and what the menu calls them.

A clip can be extended, edited, lip-synced, continued from its last frame or
upscaled; a picture animated or used as a frame. An action is offered only
while the catalogue has an active model for it, so a retired endpoint is
never offered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcut_ai.core.catalog_kinds import Category
from qcut_ai.core.derive import CLIP_ACTIONS
from qcut_ai.core.media_kinds import MediaKind, Origin

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem

DERIVE_LABELS: dict[str, str] = {
    "animate": "Animate this image",
    "first_frame": "Use as first frame",
    "last_frame": "Use as last frame",
    "extend": "Extend…",
    "continue": "Continue from last frame…",
    "edit": "Edit / restyle…",
    "lipsync": "Lipsync…",
    "upscale": "Upscale",
    "regenerate": "Regenerate",
    "regenerate_with": "Regenerate with…",
}

_IMAGE_ACTIONS = ("animate", "first_frame", "last_frame", "upscale")
_VIDEO_ACTIONS = ("extend", "continue", "edit", "lipsync", "upscale")
_CATEGORY = {
    "animate": Category.IMAGE_TO_VIDEO,
    "first_frame": Category.FRAME_TO_VIDEO,
    "last_frame": Category.FRAME_TO_VIDEO,
    "continue": Category.IMAGE_TO_VIDEO,
    **{name: category for name, (category, _relation) in CLIP_ACTIONS.items()},
}


def offered(action: str) -> bool:
    """True while some active model can carry out `action`."""
    from qcut_ai.core.catalog import load_catalog  # a menu opens after the first paint

    return bool(load_catalog().in_category(_CATEGORY[action]))


def derive_actions(item: MediaItem) -> list[str]:
    """The derive actions that make sense for this item, in menu order."""
    actions: list[str] = []
    if not item.missing:  # these send the file itself to a model
        if item.kind == MediaKind.IMAGE:
            actions += [a for a in _IMAGE_ACTIONS if offered(a)]
        elif item.kind == MediaKind.VIDEO:
            actions += [a for a in _VIDEO_ACTIONS if offered(a)]
    if item.origin == Origin.AI and item.provenance is not None:  # needs only the settings
        actions += ["regenerate", "regenerate_with"]
    return actions
