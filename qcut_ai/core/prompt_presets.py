"""Ready-made pieces for the prompt builder: looks, platforms, camera moves, quick starts.

Everything here is plain data. A style adds visual words (and a lighting
suggestion used only when the user leaves lighting empty); a platform sets the
aspect ratio and a length suited to it; a camera move has a bracket command for
models that read them (MiniMax Hailuo) and a plain phrase for every other model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from qcut_ai.core.catalog_schema import ModelSpec

__all__ = [
    "CAMERA_MOVES",
    "MAX_CAMERA_KEYWORDS",
    "PLATFORMS",
    "STYLES",
    "SUGGESTIONS",
    "CameraMove",
    "PlatformPreset",
    "StylePreset",
    "Suggestion",
    "camera_move",
    "platform_preset",
    "style_preset",
    "understands_camera_keywords",
]


@dataclass(frozen=True)
class StylePreset:
    """A visual look: the words it adds and the light it suggests."""

    id: str
    label: str
    look: str
    lighting: str


@dataclass(frozen=True)
class PlatformPreset:
    """Where the clip will be posted: its frame shape, a fitting length and framing advice."""

    id: str
    label: str
    aspect_ratio: str
    duration: int
    framing: str


@dataclass(frozen=True)
class CameraMove:
    """One camera movement; `keyword` is None when no model has a bracket command for it."""

    id: str
    label: str
    phrase: str
    keyword: str | None = None


@dataclass(frozen=True)
class Suggestion:
    """A quick start: a chip that fills the builder's fields."""

    label: str
    subject: str
    scenes: tuple[str, ...] = ()
    camera: tuple[str, ...] = ()
    lighting: str = ""
    style: str = ""
    mood: str = ""


STYLES: tuple[StylePreset, ...] = (
    StylePreset(
        "cinematic",
        "Cinematic",
        "cinematic film look, considered composition, shallow depth of field, subtle film grain",
        "soft motivated key light with rich contrast",
    ),
    StylePreset(
        "anime",
        "Anime",
        "hand-drawn anime style, clean line art, cel shading, vivid saturated colours",
        "bright, even light with soft rim highlights",
    ),
    StylePreset(
        "realistic",
        "Realistic",
        "photorealistic live-action footage, natural textures, true-to-life colour",
        "natural daylight",
    ),
    StylePreset(
        "abstract",
        "Abstract",
        "abstract motion art, flowing shapes and gradients, surreal non-literal forms",
        "glowing diffuse light",
    ),
    StylePreset(
        "noir",
        "Noir",
        "film noir, black and white, high contrast, deep shadows, 1940s atmosphere",
        "hard low-key light slicing through window blinds",
    ),
    StylePreset(
        "retro",
        "Retro",
        "retro 1980s home-video look, warm faded colours, soft analog grain, slight colour bleed",
        "warm tungsten light",
    ),
    StylePreset(
        "neon",
        "Neon",
        "neon-soaked night look, saturated magenta and cyan, reflections on wet surfaces",
        "glowing neon signs as the main light",
    ),
    StylePreset(
        "documentary",
        "Documentary",
        "observational documentary footage, handheld camera, candid unposed moments",
        "available natural light",
    ),
    StylePreset(
        "claymation",
        "Claymation",
        "stop-motion clay animation, handmade miniature set, visible fingerprint texture",
        "soft studio light",
    ),
)

PLATFORMS: tuple[PlatformPreset, ...] = (
    PlatformPreset(
        "reels",
        "Instagram Reels",
        "9:16",
        8,
        "vertical framing with the subject centred and a strong first-second hook",
    ),
    PlatformPreset(
        "tiktok",
        "TikTok",
        "9:16",
        6,
        "vertical framing, subject close to the camera, fast immediate action",
    ),
    PlatformPreset(
        "shorts",
        "YouTube Shorts",
        "9:16",
        8,
        "vertical framing with the subject centred and clear motion",
    ),
    PlatformPreset(
        "youtube",
        "YouTube",
        "16:9",
        10,
        "widescreen framing with room for the setting",
    ),
    PlatformPreset(
        "square",
        "Square feed",
        "1:1",
        6,
        "square framing with the subject centred",
    ),
)

# The 15 bracket commands MiniMax documents for its director-style models,
# followed by moves that every model understands only as plain words.
CAMERA_MOVES: tuple[CameraMove, ...] = (
    CameraMove("static", "Static", "the camera holds still", "[Static shot]"),
    CameraMove("push_in", "Push in", "the camera pushes in slowly", "[Push in]"),
    CameraMove("pull_out", "Pull out", "the camera pulls back slowly", "[Pull out]"),
    CameraMove("pan_left", "Pan left", "the camera pans left", "[Pan left]"),
    CameraMove("pan_right", "Pan right", "the camera pans right", "[Pan right]"),
    CameraMove(
        "truck_left", "Truck left", "the camera glides sideways to the left", "[Truck left]"
    ),
    CameraMove(
        "truck_right", "Truck right", "the camera glides sideways to the right", "[Truck right]"
    ),
    CameraMove("tilt_up", "Tilt up", "the camera tilts up", "[Tilt up]"),
    CameraMove("tilt_down", "Tilt down", "the camera tilts down", "[Tilt down]"),
    CameraMove("pedestal_up", "Pedestal up", "the camera rises vertically", "[Pedestal up]"),
    CameraMove("pedestal_down", "Pedestal down", "the camera lowers vertically", "[Pedestal down]"),
    CameraMove("zoom_in", "Zoom in", "the lens zooms in", "[Zoom in]"),
    CameraMove("zoom_out", "Zoom out", "the lens zooms out", "[Zoom out]"),
    CameraMove(
        "tracking", "Tracking shot", "the camera tracks alongside the subject", "[Tracking shot]"
    ),
    CameraMove("shake", "Shake", "the camera shakes as if handheld in action", "[Shake]"),
    CameraMove("orbit", "Orbit", "the camera orbits around the subject"),
    CameraMove("aerial", "Aerial", "a smooth aerial drone shot from above"),
)

# MiniMax reads up to three bracket commands in one prompt.
MAX_CAMERA_KEYWORDS = 3

# Endpoint families whose prompt parser reads bracket camera commands.
_KEYWORD_FAMILIES = ("fal-ai/minimax/",)

SUGGESTIONS: tuple[Suggestion, ...] = (
    Suggestion(
        "Product reveal",
        "A sleek wireless headphone on a rotating pedestal",
        ("it turns slowly to show every side", "a light sweep glints across the surface"),
        ("push_in",),
        "soft studio light against a dark backdrop",
        "cinematic",
        "premium and confident",
    ),
    Suggestion(
        "Travel vlog",
        "A traveller with a backpack reaching a cliff-top viewpoint",
        ("she walks up the last steps", "she turns to face a vast valley at sunrise"),
        ("tracking",),
        "golden-hour backlight",
        "realistic",
        "uplifting and free",
    ),
    Suggestion(
        "Food close-up",
        "A steaming bowl of ramen on a wooden counter",
        ("chopsticks lift noodles towards the camera",),
        ("zoom_in",),
        "warm window light",
        "cinematic",
        "cosy and appetising",
    ),
    Suggestion(
        "City at night",
        "A lone cyclist crossing a rain-soaked downtown street",
        ("traffic lights reflect in the puddles", "the cyclist disappears into the glow"),
        ("truck_left",),
        "",
        "neon",
        "moody and electric",
    ),
    Suggestion(
        "Nature moment",
        "A red fox stepping through fresh snow in a quiet forest",
        ("it pauses and looks straight at the camera",),
        ("static",),
        "pale winter morning light",
        "realistic",
        "calm and wild",
    ),
    Suggestion(
        "Character intro",
        "A detective in a long coat stepping out of the shadows",
        ("he lights a match", "his face appears for a moment"),
        ("pull_out",),
        "",
        "noir",
        "tense and mysterious",
    ),
)


_Preset = TypeVar("_Preset", StylePreset, PlatformPreset, CameraMove)


def _find(items: tuple[_Preset, ...], key: str) -> _Preset | None:
    wanted = key.strip().lower().replace("-", "_").replace(" ", "_")
    for item in items:
        if wanted in (item.id, item.label.lower().replace(" ", "_").replace("-", "_")):
            return item
    return None


def style_preset(name: str) -> StylePreset | None:
    """The style with this id or label (any case), or None for a free-text style."""
    return _find(STYLES, name)


def platform_preset(name: str) -> PlatformPreset | None:
    """The platform with this id or label (any case), or None."""
    return _find(PLATFORMS, name)


def camera_move(name: str) -> CameraMove | None:
    """The camera move with this id, label or bracket command (any case), or None."""
    bare = name.strip().strip("[]")
    found = _find(CAMERA_MOVES, bare)
    if found is not None:
        return found
    wanted = bare.strip().lower()
    return next(
        (m for m in CAMERA_MOVES if m.keyword and m.keyword.strip("[]").lower() == wanted), None
    )


def understands_camera_keywords(spec: ModelSpec) -> bool:
    """True when the model reads bracket camera commands such as `[Pan left]`."""
    return spec.endpoint.startswith(_KEYWORD_FAMILIES)
