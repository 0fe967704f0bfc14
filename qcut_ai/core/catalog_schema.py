"""The shape of one catalogue entry, validated by pydantic when the catalogue loads.

A model is data: its wire fields (names, wire types, choices, limits), which
request option each field carries (its role), how fal bills it, and where it
stands at fal (active, or retired with named successors). The wire fields come
from fal's schema (`catalog_records`), the rest from our curated overlay
(`catalog_overlay`); `catalog.load_catalog` puts the two together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from qcut_ai.core.catalog_fields import (
    Condition,
    Constraint,
    FieldSpec,
    FieldType,
    Scalar,
    condition_holds,
    is_wire_type,
    seconds_of,
    seconds_or_none,
    show,
)
from qcut_ai.core.catalog_kinds import Category, MediaRole, Role, Tier
from qcut_ai.core.errors import ModelFailedError

__all__ = [
    "Category",
    "Condition",
    "Constraint",
    "FalPrice",
    "FieldSpec",
    "FieldType",
    "MediaRole",
    "ModelSpec",
    "PriceCheck",
    "PriceSpec",
    "PriceUnit",
    "Role",
    "Scalar",
    "Tier",
    "condition_holds",
    "is_wire_type",
    "seconds_of",
    "seconds_or_none",
    "show",
]

if TYPE_CHECKING:
    from qcut_ai.core.requests import GenerationRequest


MEDIA_ROLES = {
    Role.IMAGE: MediaRole.IMAGE,
    Role.END_IMAGE: MediaRole.END_IMAGE,
    Role.AUDIO: MediaRole.AUDIO,
    Role.VIDEO: MediaRole.VIDEO,
    Role.REFERENCE_IMAGES: MediaRole.REFERENCE_IMAGES,
}


_STRICT = ConfigDict(frozen=True, extra="forbid")
_NUMERIC = (FieldType.INTEGER, FieldType.NUMBER)
_MAX_RANGE_CHOICES = 120


class PriceUnit(StrEnum):
    PER_SECOND = "per_second"
    PER_VIDEO = "per_video"
    PER_5S_PLUS_PER_EXTRA_SECOND = "per_5s_plus_per_extra_second"
    PER_MILLION_VIDEO_TOKENS = "per_million_video_tokens"
    PER_OUTPUT_MEGAPIXEL = "per_output_megapixel"


class PriceRule(BaseModel):
    """A rate that applies when `when` holds; `usd` None means fal's rate is unknown.

    `fee_usd` is a fixed charge per request on top of the rate (Vidu at 1080p:
    $0.20 per request plus $0.05 per second).
    """

    model_config = _STRICT
    when: Condition = Field(default_factory=dict)
    usd: Decimal | None
    extra_usd: Decimal | None = None
    fee_usd: Decimal | None = None


class PriceAdjustment(BaseModel):
    """A multiplier on the rate, e.g. a pro tier at ten times the price."""

    model_config = _STRICT
    when: Condition
    factor: Decimal
    label: str


class TokenSizing(BaseModel):
    """Frame size and rate used to count video tokens (width×height×fps×s/1024)."""

    model_config = _STRICT
    fps: int
    frame_sizes: dict[str, tuple[int, int]]


class PriceSpec(BaseModel):
    """How fal bills a model, and how sure we are of it (`grade`, `source`)."""

    model_config = _STRICT
    unit: PriceUnit
    rates: tuple[PriceRule, ...]
    adjustments: tuple[PriceAdjustment, ...] = ()
    base_seconds: int | None = None
    round_up_seconds: int | None = None  # billed in steps, e.g. 5: 3 s is billed as 5 s
    tokens: TokenSizing | None = None
    grade: Literal["fal", "fal-unit", "fal-sibling", "third-party", "unknown"]
    source: tuple[str, ...] = ()


class FalPrice(BaseModel):
    """fal's unit price for an endpoint, as its pricing API stated it at the last sync."""

    model_config = _STRICT
    unit_price: Decimal
    unit: str
    currency: str = "USD"


PriceCheck = Literal["ok", "changed", "unknown"]
Status = Literal["active", "retired"]


class ModelSpec(BaseModel):
    """One fal video model: what it is for, what it accepts, what it costs.

    A retired model (fal deprecated it or no longer knows it) keeps its last
    known fields, so History, the library and a job already at fal still work;
    pickers leave it out and `successors` names what to use instead. A model
    with `unsupported` set has inputs qcut-ai cannot build yet.
    """

    model_config = _STRICT
    id: str
    name: str
    vendor: str
    family: str = ""
    category: Category
    also_in: tuple[Category, ...] = ()
    endpoint: str
    aliases: tuple[str, ...] = ()
    tier: Tier
    best_for: str
    typical_seconds: int
    recommended: bool
    audio: bool
    fixed_seconds: int | None = None
    same_aspect_frames: bool = False
    fields: tuple[FieldSpec, ...]
    constraints: tuple[Constraint, ...] = ()
    price: PriceSpec
    result_key: str = "video"
    status: Status = "active"
    retired_on: str | None = None  # ISO date fal retired it (or we first saw it gone)
    successors: tuple[str, ...] = ()  # model ids, best first
    unsupported: str | None = None  # why qcut-ai cannot send requests to it yet
    curated: bool = True  # False: known only from fal's listing, no overlay entry
    synced_at: str | None = None  # when fal's facts for it were fetched
    fal_price: FalPrice | None = None

    @model_validator(mode="after")
    def _fields_are_consistent(self) -> ModelSpec:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.id}: a field name appears twice")
        roles = [f.role for f in self.fields if f.role is not None]
        if len(set(roles)) != len(roles):
            raise ValueError(f"{self.id}: two fields carry the same request option")
        for c in self.constraints:
            unknown = (set(c.when) | set(c.require)) - set(names)
            if unknown:
                raise ValueError(f"{self.id}: constraint names unknown fields {unknown}")
        return self

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def offered(self) -> bool:
        """Listed in pickers: active at fal and supported by qcut-ai."""
        return self.status == "active" and self.unsupported is None

    @property
    def successor(self) -> str | None:
        return self.successors[0] if self.successors else None

    @property
    def retired_text(self) -> str:
        """ "retired by fal (2026-09-24)", or "" for an active model."""
        if self.active:
            return ""
        return f"retired by fal ({self.retired_on})" if self.retired_on else "retired by fal"

    @property
    def price_check(self) -> PriceCheck:
        """Whether our price rule still matches fal's unit price (see core.price_check)."""
        from qcut_ai.core.price_check import price_check

        return price_check(self)

    @property
    def needs_price_confirmation(self) -> bool:
        """True when fal's price moved away from ours: confirm whatever the threshold."""
        return self.price_check == "changed"

    @property
    def categories(self) -> tuple[Category, ...]:
        """The main category first, then any others the model is offered in."""
        return (self.category, *self.also_in)

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def field_for(self, role: Role | str) -> FieldSpec | None:
        return next((f for f in self.fields if f.role == role), None)

    def media_fields(self) -> dict[str, MediaRole]:
        """Wire name -> media role, e.g. {"first_frame_url": MediaRole.IMAGE, ...}."""
        return {f.name: MEDIA_ROLES[f.role] for f in self.fields if f.role in MEDIA_ROLES}

    @property
    def prompt_max_length(self) -> int | None:
        prompt = self.field_for(Role.PROMPT)
        return prompt.max_length if prompt else None

    @property
    def prompt_required(self) -> bool:
        prompt = self.field_for(Role.PROMPT)
        return bool(prompt and prompt.required)

    def durations(self) -> tuple[int, ...]:
        """Selectable lengths in seconds; empty when the length is fixed or follows the input."""
        field = self.field_for(Role.DURATION)
        if field is None:
            return ()
        if field.choices is None:
            # A whole-second range (fal: integer 1-15) offers every second in it.
            low, high = field.min, field.max
            if field.type in _NUMERIC and low is not None and high is not None:
                first, last = math.ceil(low), math.floor(high)
                if 0 < first <= last and last - first <= _MAX_RANGE_CHOICES:
                    return tuple(range(first, last + 1))
            return ()
        seconds = (seconds_or_none(c) for c in field.choices)
        return tuple(s for s in seconds if s is not None)

    def options(self, role: Role) -> tuple[str, ...]:
        """Choices of a text option such as resolution or aspect ratio."""
        field = self.field_for(role)
        if field is None or field.choices is None:
            return ()
        return tuple(str(c) for c in field.choices)

    def default_request(self) -> GenerationRequest:
        """The request a form starts from: each option at the model's default."""
        from qcut_ai.core.requests import default_request

        return default_request(self)

    def result_video_url(self, result: Mapping[str, Any]) -> str:
        """The URL of the finished video in fal's result JSON."""
        video = result.get(self.result_key)
        url = video.get("url") if isinstance(video, Mapping) else None
        if not isinstance(url, str) or not url:
            raise ModelFailedError(
                f"fal's result for {self.name} has no video URL.",
                hint="Open the job's result JSON to see what came back, then retry the job.",
            )
        return url

    def kept_result(self, result: Mapping[str, Any]) -> dict[str, Any]:
        """The part of fal's result JSON worth journaling: the video file's facts, the seed
        and the video id (for remix). Nothing else is stored, however large the answer."""
        kept: dict[str, Any] = {}
        video = result.get(self.result_key)
        if isinstance(video, Mapping):
            kept[self.result_key] = {
                k: video[k] for k in _KEPT_FILE_FIELDS if k in video and _small(video[k])
            }
        for key in _KEPT_TOP_FIELDS:
            if key in result and _small(result[key]):
                kept[key] = result[key]
        return kept


_KEPT_FILE_FIELDS = (
    "url",
    "content_type",
    "file_name",
    "file_size",
    "width",
    "height",
    "duration",
    "fps",
    "num_frames",
)
_KEPT_TOP_FIELDS = ("seed", "video_id")


def _small(value: Any) -> bool:
    """A scalar a journal row can hold (URLs included; no nested payloads)."""
    if isinstance(value, str):
        return len(value) <= 8192
    return value is None or isinstance(value, bool | int | float)
