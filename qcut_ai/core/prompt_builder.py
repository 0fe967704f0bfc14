"""Turn structured parts (subject, scenes, camera, light, style, mood) into one clear prompt.

The assembled prompt is plain text the user may edit further. Camera moves are
written as bracket commands (`[Pan left, Zoom in]`) only when every selected
model reads them; otherwise as words every model understands. `check_lengths`
says, per selected model, whether the prompt fits, would be cut, or would be
refused for its length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from qcut_ai.core.catalog_schema import ModelSpec
from qcut_ai.core.errors import FieldError, InvalidRequestError
from qcut_ai.core.prompt_presets import (
    CAMERA_MOVES,
    MAX_CAMERA_KEYWORDS,
    CameraMove,
    camera_move,
    platform_preset,
    style_preset,
    understands_camera_keywords,
)

__all__ = [
    "MAX_SCENES",
    "LengthCheck",
    "LengthVerdict",
    "PromptParts",
    "build_prompt",
    "check_lengths",
    "keyword_moves_for",
    "length_problems",
    "models_misreading_keywords",
    "shorten",
    "strip_camera_keywords",
    "uses_camera_keywords",
]

MAX_SCENES = 3

# fal's schema for these families states no length limit; the limit is only in
# the model's description, so an over-long prompt is accepted and cut there.
_DESCRIPTION_ONLY_LIMITS = ("fal-ai/wan-25-preview/",)
_KNOWN_KEYWORDS = {m.keyword.strip("[]").lower() for m in CAMERA_MOVES if m.keyword}
_BRACKETS = re.compile(r"\[([^\[\]]{2,80})\]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class PromptParts:
    """What the user filled in; every part is optional.

    `camera` holds camera move ids or labels (see `CAMERA_MOVES`) or free words;
    `style` and `platform` are preset ids or labels, or free words for style.
    """

    subject: str = ""
    scenes: tuple[str, ...] = ()
    camera: tuple[str, ...] = ()
    lighting: str = ""
    style: str = ""
    mood: str = ""
    platform: str = ""

    def __post_init__(self) -> None:
        scenes = tuple(s.strip() for s in self.scenes if s.strip())
        if len(scenes) > MAX_SCENES:
            raise InvalidRequestError(
                [FieldError("scenes", len(scenes), f"at most {MAX_SCENES} scenes; merge some")]
            )
        object.__setattr__(self, "scenes", scenes)
        object.__setattr__(self, "camera", tuple(c.strip() for c in self.camera if c.strip()))

    @property
    def empty(self) -> bool:
        return not (self.subject.strip() or self.scenes or self.camera or self.style.strip())


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _sentence(text: str) -> str:
    """Capitalised, ending in one full stop (or the user's own ! or ?)."""
    text = _clean(text).rstrip(",;:")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _continuing(text: str) -> str:
    """Lower-case the first letter so the text can follow "Then,"; keep acronyms and names."""
    text = _clean(text)
    if len(text) > 1 and text[0].isupper() and text[1].islower() and not text.startswith("I "):
        return text[0].lower() + text[1:]
    return text


def _scenes(scenes: tuple[str, ...]) -> list[str]:
    if len(scenes) == 1:
        return [_sentence(scenes[0])]
    leads = ("First,", "Then,", "Finally,") if len(scenes) == 3 else ("First,", "Then,")
    return [_sentence(f"{lead} {_continuing(s)}") for lead, s in zip(leads, scenes, strict=False)]


def uses_camera_keywords(models: Sequence[ModelSpec]) -> bool:
    """Bracket commands are written only when there are models and all of them read them."""
    return bool(models) and all(understands_camera_keywords(s) for s in models)


def keyword_moves_for(models: Sequence[ModelSpec]) -> tuple[CameraMove, ...]:
    """Moves to offer as bracket-command buttons: those with a command, if any model reads them."""
    if not any(understands_camera_keywords(s) for s in models):
        return ()
    return tuple(m for m in CAMERA_MOVES if m.keyword)


def _camera(parts: PromptParts, keywords: bool) -> tuple[str, str]:
    """(bracket prefix, camera sentence) for the chosen moves."""
    moves: list[CameraMove] = []
    free: list[str] = []
    for item in parts.camera:
        move = camera_move(item)
        if move is None:
            free.append(_clean(item))
        elif move not in moves:
            moves.append(move)
    bracketed = [m for m in moves if keywords and m.keyword][:MAX_CAMERA_KEYWORDS]
    prefix = ""
    if bracketed:
        prefix = "[" + ", ".join(m.keyword.strip("[]") for m in bracketed if m.keyword) + "]"
    worded = [m.phrase for m in moves if m not in bracketed]
    sentences = [_sentence(", then ".join(worded)) if worded else ""]
    if free:
        sentences.append(_sentence("Camera: " + ", ".join(free)))
    return prefix, " ".join(s for s in sentences if s)


def build_prompt(parts: PromptParts, models: Sequence[ModelSpec] = ()) -> str:
    """One prompt from the parts, worded for the selected models (bracket commands or words)."""
    prefix, camera = _camera(parts, uses_camera_keywords(models))
    style = style_preset(parts.style) if parts.style.strip() else None
    look = style.look if style else parts.style
    lighting = parts.lighting.strip() or (style.lighting if style else "")
    platform = platform_preset(parts.platform) if parts.platform.strip() else None
    sentences = [
        _sentence(parts.subject),
        *_scenes(parts.scenes),
        camera,
        _sentence(f"Lit by {_continuing(lighting)}") if lighting else "",
        _sentence(look),
        _sentence(f"The mood is {_continuing(parts.mood)}") if parts.mood.strip() else "",
        _sentence(platform.framing) if platform else "",
    ]
    body = " ".join(s for s in sentences if s)
    return f"{prefix} {body}".strip() if prefix else body


# -- camera keywords in free text ----------------------------------------------


def _is_keyword_group(inner: str) -> bool:
    items = [i.strip().lower() for i in inner.split(",")]
    return bool(items) and all(i in _KNOWN_KEYWORDS for i in items)


def strip_camera_keywords(prompt: str) -> str:
    """The prompt without bracket camera commands, for models that would read them literally."""
    stripped = _BRACKETS.sub(lambda m: "" if _is_keyword_group(m.group(1)) else m.group(0), prompt)
    return _clean(stripped)


def models_misreading_keywords(prompt: str, models: Sequence[ModelSpec]) -> list[ModelSpec]:
    """Selected models that would read the prompt's bracket camera commands as plain text."""
    if not any(_is_keyword_group(m.group(1)) for m in _BRACKETS.finditer(prompt)):
        return []
    return [s for s in models if not understands_camera_keywords(s)]


# -- length per model ----------------------------------------------------------


class LengthVerdict(StrEnum):
    FITS = "fits"
    NO_LIMIT = "no_limit"
    TRUNCATED = "truncated"
    REFUSED = "refused"


@dataclass(frozen=True)
class LengthCheck:
    """How one model takes a prompt of this length."""

    model_id: str
    model_name: str
    length: int
    limit: int | None
    verdict: LengthVerdict
    over: int = field(default=0)

    @property
    def ok(self) -> bool:
        return self.verdict in (LengthVerdict.FITS, LengthVerdict.NO_LIMIT)

    def text(self) -> str:
        """One sentence for the user."""
        if self.verdict is LengthVerdict.NO_LIMIT:
            return f"{self.model_name} states no prompt length limit."
        limit = f"{self.limit:,}"
        if self.verdict is LengthVerdict.FITS:
            return f"{self.model_name}: {self.length:,} of {limit} characters."
        if self.verdict is LengthVerdict.TRUNCATED:
            return (
                f"{self.model_name} reads only the first {limit} characters; "
                f"the last {self.over:,} would be cut."
            )
        return (
            f"{self.model_name} refuses prompts over {limit} characters; "
            f"shorten this one by {self.over:,}."
        )


def _check(prompt: str, spec: ModelSpec) -> LengthCheck:
    length = len(prompt)
    limit = spec.prompt_max_length
    if limit is None:
        return LengthCheck(spec.id, spec.name, length, None, LengthVerdict.NO_LIMIT)
    if length <= limit:
        return LengthCheck(spec.id, spec.name, length, limit, LengthVerdict.FITS)
    verdict = (
        LengthVerdict.TRUNCATED
        if spec.endpoint.startswith(_DESCRIPTION_ONLY_LIMITS)
        else LengthVerdict.REFUSED
    )
    return LengthCheck(spec.id, spec.name, length, limit, verdict, over=length - limit)


def check_lengths(prompt: str, models: Sequence[ModelSpec]) -> list[LengthCheck]:
    """One verdict per selected model, in the order given."""
    return [_check(prompt, spec) for spec in models]


def length_problems(prompt: str, models: Sequence[ModelSpec]) -> list[LengthCheck]:
    """Only the models that would cut or refuse the prompt."""
    return [c for c in check_lengths(prompt, models) if not c.ok]


def shorten(prompt: str, limit: int) -> str:
    """The prompt cut to `limit` characters at the last full sentence, else the last word."""
    prompt = _clean(prompt)
    if len(prompt) <= limit:
        return prompt
    head = prompt[:limit]
    if head.endswith((".", "!", "?")):
        return head
    cut = max(head.rfind(mark) for mark in (". ", "! ", "? "))
    if cut >= limit // 2:
        return head[: cut + 1]
    space = head.rfind(" ")
    return (head[:space] if space > 0 else head).rstrip(",;: ")
