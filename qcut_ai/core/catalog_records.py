"""What fal says about each endpoint, as synced: the format of the catalogue cache.

One `EndpointRecord` per fal endpoint holds the wire facts imported from
fal's schema (fields, output), its status at fal, its unit price and when
they were fetched. The same `SyncFile` format is the shipped snapshot
(`resources/fal_snapshot.json`) and the user's cached sync in the data folder,
so a sync only ever replaces records, and the app can always start from one
of the two without the network.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from qcut_ai.core.catalog_fields import FieldSpec
from qcut_ai.core.catalog_schema import Category, FalPrice

_STRICT = ConfigDict(frozen=True, extra="forbid")
FalStatus = Literal["active", "deprecated", "gone"]
SYNC_FORMAT = 1


class EndpointRecord(BaseModel):
    """fal's facts for one endpoint. `gone` means fal's find mode no longer knows it."""

    model_config = _STRICT
    endpoint_id: str
    display_name: str = ""
    category: str = ""  # fal's own category, e.g. "image-to-video"
    vendor: str = ""  # fal's group label or lab
    family: str = ""
    status: FalStatus = "active"
    retired_on: str | None = None  # the day it was first seen deprecated or gone
    updated_at: str | None = None  # fal's metadata.updated_at: unchanged means same schema
    synced_at: str | None = None  # when these facts were fetched
    fields: tuple[FieldSpec, ...] = ()
    output: str = "video"  # "video" or "video+audio"
    result_key: str = "video"
    unsupported: str | None = None
    notes: tuple[str, ...] = ()
    # Where an uncurated model goes in the panel, read from its inputs (catalog_placement).
    placement: tuple[Category, ...] = ()
    typical_seconds: int | None = None  # fal's duration_estimate, in seconds
    price_text: str | None = None  # fal's price sentence, where a snapshot kept one
    fal_price: FalPrice | None = None

    @property
    def retired(self) -> bool:
        return self.status != "active"


class CatalogChange(BaseModel):
    """What one sync changed: the panel's "N new models" and "M retired" come from here."""

    model_config = _STRICT
    at: str
    added: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    returned: tuple[str, ...] = ()  # retired before, active at fal again
    changed: dict[str, tuple[str, ...]] = Field(default_factory=dict)  # id -> what changed


class SyncFile(BaseModel):
    """A whole synced catalogue: records plus when and where they came from."""

    model_config = _STRICT
    format: Literal[1]
    synced_at: str  # when the last successful sync fetched fal's listing
    checked_at: str | None = None  # when qcut-ai last asked fal (changed or not)
    source: str = "https://api.fal.ai"
    records: tuple[EndpointRecord, ...]
    last_change: CatalogChange | None = None

    def by_endpoint(self) -> dict[str, EndpointRecord]:
        return {r.endpoint_id: r for r in self.records}
