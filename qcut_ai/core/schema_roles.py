"""Which request option a fal input carries, read from its name and media kind.

fal names the same inputs the same way across its video models (`image_url`,
`end_image_url`/`last_frame_url`/`tail_image_url`, `audio_url`, `video_url`,
`image_urls` for references). Only these exact names get a role; any other
media input (a mask, a control video) stays an advanced field, so nothing is
sent where fal did not ask for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qcut_ai.core.catalog_fields import FieldType, Role

_MEDIA_ROLES: dict[str, Role] = {
    "image_url": Role.IMAGE,
    "start_image_url": Role.IMAGE,
    "first_frame_url": Role.IMAGE,
    "first_frame_image_url": Role.IMAGE,
    "first_image_url": Role.IMAGE,
    "input_image_url": Role.IMAGE,
    "end_image_url": Role.END_IMAGE,
    "last_frame_url": Role.END_IMAGE,
    "tail_image_url": Role.END_IMAGE,
    "end_frame_url": Role.END_IMAGE,
    "last_image_url": Role.END_IMAGE,
    "audio_url": Role.AUDIO,
    "driven_audio_url": Role.AUDIO,
    "video_url": Role.VIDEO,
    "source_video_url": Role.VIDEO,
    "image_urls": Role.REFERENCE_IMAGES,
    "reference_image_urls": Role.REFERENCE_IMAGES,
    "ref_image_urls": Role.REFERENCE_IMAGES,
    "input_image_urls": Role.REFERENCE_IMAGES,
}
_TYPED_ROLES: dict[str, tuple[Role, frozenset[FieldType]]] = {
    "prompt": (Role.PROMPT, frozenset({FieldType.STRING})),
    "negative_prompt": (Role.NEGATIVE_PROMPT, frozenset({FieldType.STRING})),
    "duration": (
        Role.DURATION,
        frozenset({FieldType.STRING, FieldType.INTEGER, FieldType.NUMBER, FieldType.ENUM}),
    ),
    "resolution": (Role.RESOLUTION, frozenset({FieldType.STRING})),
    "aspect_ratio": (Role.ASPECT_RATIO, frozenset({FieldType.STRING})),
    "generate_audio": (Role.GENERATE_AUDIO, frozenset({FieldType.BOOLEAN})),
    "seed": (Role.SEED, frozenset({FieldType.INTEGER})),
}
_UI_KINDS = {"image": "image", "video": "video", "audio": "audio", "file": "file"}


def media_kind_of(name: str, schema: Mapping[str, Any]) -> str | None:
    """ "image", "video", "audio" or "file" for a URL input, else None.

    fal marks media fields with `_fal_ui_field`; where it does not, a name
    ending in `_url(s)` tells (the frame inputs are images whatever a
    registry labels them).
    """
    hint = schema.get("_fal_ui_field") or schema.get("x-fal-ui-field")
    if isinstance(hint, str) and hint in _UI_KINDS:
        return _UI_KINDS[hint]
    low = name.lower()
    if not (low.endswith("_url") or low.endswith("_urls")):
        return None
    if "audio" in low:
        return "audio"
    if "video" in low:
        return "video"
    if "image" in low or "frame" in low or "img" in low:
        return "image"
    return "file"


def role_for(name: str, type_: FieldType, media: str | None) -> Role | None:
    """The request option this input carries, or None."""
    if name in _MEDIA_ROLES:
        role = _MEDIA_ROLES[name]
        wants_list = role is Role.REFERENCE_IMAGES
        if wants_list and type_ is FieldType.STRING_LIST:
            return role
        if not wants_list and type_ is FieldType.STRING:
            return role
        return None
    typed = _TYPED_ROLES.get(name)
    if typed is not None and type_ in typed[1] and media is None:
        return typed[0]
    return None
