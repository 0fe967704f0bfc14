"""The catalogue's plain names: categories, media roles, field roles and tiers.

Apart from the pydantic models that use them, so the panel can lay out its
tabs by category before the catalogue is loaded (after the first paint).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The `GenerationRequest` option a wire field carries (same names)."""

    PROMPT = "prompt"
    NEGATIVE_PROMPT = "negative_prompt"
    IMAGE = "image"
    END_IMAGE = "end_image"
    AUDIO = "audio"
    VIDEO = "video"
    DURATION = "duration"
    RESOLUTION = "resolution"
    ASPECT_RATIO = "aspect_ratio"
    GENERATE_AUDIO = "generate_audio"
    SEED = "seed"
    REFERENCE_IMAGES = "reference_images"


class Category(StrEnum):
    """What a model makes, and from what (the panel's tabs and derive actions)."""

    TEXT_TO_VIDEO = "text-to-video"
    IMAGE_TO_VIDEO = "image-to-video"
    FRAME_TO_VIDEO = "frame-to-video"  # first and last frame
    REFERENCE_TO_VIDEO = "reference-to-video"  # characters, products, styles from images
    EXTEND = "extend"  # continue a clip: the result starts where the source ends
    VIDEO_EDIT = "video-edit"  # restyle or edit a clip by prompt, keeping its length
    AVATAR = "avatar"  # a portrait image speaks or moves to audio
    LIPSYNC = "lipsync"  # a clip's mouth follows new audio
    MOTION_TRANSFER = "motion-transfer"  # a character image performs a driving video
    UPSCALE = "upscale"  # upscale, restore, interpolate


class MediaRole(StrEnum):
    """What a media input is to the model."""

    IMAGE = "image"
    END_IMAGE = "end_image"
    AUDIO = "audio"
    VIDEO = "video"
    REFERENCE_IMAGES = "reference_images"  # a list of image URLs


class Tier(StrEnum):
    BUDGET = "Budget"
    FAST = "Fast"
    STANDARD = "Standard"
    PREMIUM = "Premium"
