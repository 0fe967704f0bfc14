"""Media records shared by the library, the job engine, the CLI and the views."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePath
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
    model_validator,
)

from qcut_ai.core.media_kinds import STRIP_FRAME_WIDTH, MediaKind, Origin

__all__ = [
    "STRIP_FRAME_WIDTH",
    "MediaItem",
    "MediaKind",
    "Origin",
    "ProbeInfo",
    "Provenance",
    "RelinkResult",
    "generated_label",
    "provenance_from_json",
]


class ProbeInfo(BaseModel):
    """What probing a file tells us. Durations in seconds; None when not applicable."""

    model_config = ConfigDict(frozen=True)

    kind: MediaKind
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    has_audio: bool = False
    rotation: int = 0
    size: int = 0
    sha256: str = ""


class Provenance(BaseModel):
    """Everything needed to trust and regenerate a result.

    Stored in the database, in a sidecar JSON next to the file, and in the
    MP4's metadata tags. Never holds the fal key.
    """

    model_config = ConfigDict(frozen=True)

    endpoint: str
    model_id: str
    model_name: str
    request_id: str
    prompt: str = ""
    negative_prompt: str = ""
    arguments: dict[str, Any] = Field(default_factory=dict)
    seed: int | None = None
    inputs: list[dict[str, Any]] = Field(default_factory=list)  # {"role", "path", "sha256"}
    cost_estimate_usd: float | None = None
    submitted_at: str | None = None  # ISO-8601 UTC
    completed_at: str | None = None
    app_version: str = ""
    parent_id: int | None = None
    relation: str | None = None  # "upscale_of", "first_frame_from", "regenerate_of", ...


def provenance_from_json(text: str) -> Provenance | None:
    """Provenance as the library stores it (JSON with a "qcut_ai" version key); None otherwise."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or "qcut_ai" not in data:
        return None
    data.pop("qcut_ai", None)
    try:
        return Provenance.model_validate(data)
    except ValidationError:
        return None


PROMPT_LABEL_CHARS = 48


_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def generated_label(
    model_name: str | None, prompt: str | None, max_chars: int = PROMPT_LABEL_CHARS
) -> str:
    """`AI (Model): prompt…` for a generated result, the prompt cut at a word boundary.

    The ellipsis appears only when the prompt was shortened.
    """
    model = " ".join((model_name or "").split())
    head = f"AI ({model})" if model else "AI"
    # Control and direction characters in a prompt must not reach a terminal or a label.
    words = " ".join(_INVISIBLE.sub(" ", prompt or "").split())
    if not words:
        return head
    if len(words) > max_chars:
        cut = words[: max_chars + 1]
        # Keep whole words unless that would leave almost nothing.
        space = cut.rfind(" ")
        cut = cut[:space] if space >= max_chars // 2 else cut[:max_chars]
        words = cut.rstrip(" ,.;:-") + "…"
    return f"{head}: {words}"


class MediaItem(BaseModel):
    """One row of the media library as the rest of the app sees it."""

    id: int
    name: str
    path: str
    kind: MediaKind
    origin: Origin
    created_at: str
    probe: ProbeInfo
    thumbnail: str | None = None
    filmstrip: str | None = None
    model: str | None = None  # fal endpoint id
    model_name: str | None = None
    request_id: str | None = None
    prompt: str | None = None
    cost_estimate_usd: float | None = None
    rating: int = 0
    favourite: bool = False
    tags: list[str] = Field(default_factory=list)
    missing: bool = False
    parent_id: int | None = None
    bin_id: int | None = None  # the library bin holding the item (None: the top level)
    colour: str | None = None  # a colour label of core.bins.COLOUR_LABELS
    # The library's stored JSON, parsed the first time `provenance` is read: a
    # page of items is built for every query and scroll, and most are only shown
    # in the grid, where parsing each row's JSON would cost as much as the row.
    provenance_json: str | None = Field(default=None, repr=False, exclude=True)

    @model_validator(mode="wrap")
    @classmethod
    def _accept_provenance(cls, data: Any, handler: ModelWrapValidatorHandler[MediaItem]) -> Any:
        # `provenance` is a cached property, so MediaItem(provenance=...) is taken here.
        given: Any = None
        if isinstance(data, dict) and "provenance" in data:
            data = dict(data)
            given = data.pop("provenance")
        item = handler(data)
        if given is not None:
            item.__dict__["provenance"] = Provenance.model_validate(given)
        return item

    @cached_property
    def provenance(self) -> Provenance | None:
        """Everything needed to trust and regenerate this result (None for plain imports)."""
        return provenance_from_json(self.provenance_json) if self.provenance_json else None

    @model_serializer(mode="wrap")
    def _dump_provenance(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        # Dumped like the field it stands for, honouring include/exclude/exclude_none.
        out: dict[str, Any] = handler(self)
        wanted = info.include is None or "provenance" in info.include
        if not wanted or (info.exclude is not None and "provenance" in info.exclude):
            return out
        prov = self.provenance
        if prov is not None:
            out["provenance"] = prov.model_dump(mode=info.mode, exclude_none=info.exclude_none)
        elif not info.exclude_none:
            out["provenance"] = None
        return out

    @property
    def duration(self) -> float | None:
        return self.probe.duration

    @property
    def display_name(self) -> str:
        """The name shown to people.

        A name the user gave (by renaming) wins. Otherwise a generated result
        reads `AI (Model): prompt…` and an imported file shows its file stem.
        A name that still looks like a file name (it carries the file's own
        extension) was never chosen by the user.
        """
        stored = self.name.strip()
        suffix = PurePath(self.path).suffix.lower()
        automatic = not stored or (bool(suffix) and stored.lower().endswith(suffix))
        if not automatic:
            return stored
        if self.origin == Origin.AI:
            # The row's own columns usually suffice; the provenance is parsed only when not.
            prov = None if self.model_name and self.prompt else self.provenance
            model = self.model_name or (prov.model_name if prov else None) or self.model
            prompt = self.prompt or (prov.prompt if prov else None)
            return generated_label(model, prompt)
        return PurePath(stored).stem if stored else PurePath(self.path).stem

    def to_json(self) -> dict[str, Any]:
        """The flat JSON the CLI prints for one item."""
        return {
            "id": self.id,
            "name": self.name,
            "display_name": self.display_name,
            "path": self.path,
            "kind": self.kind.value,
            "origin": self.origin.value,
            "thumbnail": self.thumbnail,
            "filmstrip": self.filmstrip,
            "model": self.model,
            "model_name": self.model_name,
            "request_id": self.request_id,
            "prompt": self.prompt,
            "duration": self.probe.duration,
            "width": self.probe.width,
            "height": self.probe.height,
            "fps": self.probe.fps,
            "has_audio": self.probe.has_audio,
            "size": self.probe.size,
            "sha256": self.probe.sha256,
            "cost_estimate_usd": self.cost_estimate_usd,
            "created_at": self.created_at,
            "rating": self.rating,
            "favourite": self.favourite,
            "tags": self.tags,
            "missing": self.missing,
        }


@dataclass(frozen=True)
class RelinkResult:
    """What a relink pass did."""

    relinked: int
    still_missing: int
    scanned: int

    def to_json(self) -> dict[str, int]:
        return {
            "relinked": self.relinked,
            "still_missing": self.still_missing,
            "scanned": self.scanned,
        }
