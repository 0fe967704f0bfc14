"""Media records shared by the library, the job engine, the CLI and the views."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class MediaKind(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    IMAGE = "image"


class Origin(StrEnum):
    AI = "ai"  # generated through fal (or the offline stand-in)
    IMPORTED = "imported"  # brought in from disk


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
    provenance: Provenance | None = None

    @property
    def duration(self) -> float | None:
        return self.probe.duration

    def to_json(self) -> dict[str, Any]:
        """The flat JSON the CLI prints for one item."""
        return {
            "id": self.id,
            "name": self.name,
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
