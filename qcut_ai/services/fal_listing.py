"""fal's listing entries, checked one by one, and the catalogue records they become.

A listing is data from the network: each model object is validated on its
own (an id that is not a fal endpoint id, with `..` or spaces, or a field of
the wrong type refuses that entry with one sentence and nothing else), and
a usable entry plus its OpenAPI document makes an `EndpointRecord`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from qcut_ai.core.catalog_placement import place
from qcut_ai.core.catalog_records import EndpointRecord
from qcut_ai.core.catalog_schema import FalPrice
from qcut_ai.core.schema_import import SchemaError, import_schema

MAX_NAME = 200
_ENDPOINT_ID = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}(/[A-Za-z0-9][A-Za-z0-9._-]{0,99}){1,6}$"
)


class _Group(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)
    key: str = ""
    label: str = ""


class _Metadata(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)
    display_name: str = ""
    category: str = ""
    status: Literal["active", "deprecated"]
    updated_at: str | None = None
    group: _Group | None = None
    duration_estimate: float | None = None


class ListedModel(BaseModel):
    """One model object of fal's listing, as much of it as a sync reads."""

    model_config = ConfigDict(extra="ignore", strict=True)
    endpoint_id: str
    metadata: _Metadata
    openapi: dict[str, Any] | None = None


def valid_endpoint_id(value: object) -> bool:
    return isinstance(value, str) and ".." not in value and bool(_ENDPOINT_ID.match(value))


def listed_entry(item: Any, refused: list[str]) -> ListedModel | None:
    """One listing entry, or None (refused with a sentence) when it is not usable."""
    raw_id = item.get("endpoint_id") if isinstance(item, dict) else None
    shown = repr(raw_id)[:80] if raw_id is not None else "without an id"
    if not valid_endpoint_id(raw_id):
        refused.append(f"fal's listing entry {shown} was refused: it is not a fal endpoint id.")
        return None
    try:
        return ListedModel.model_validate(item)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        refused.append(f"fal's listing entry {shown} was refused: {where} {first['msg'].lower()}.")
        return None


def _vendor(listed: ListedModel) -> tuple[str, str]:
    group = listed.metadata.group
    family = group.label[:MAX_NAME] if group else ""
    owner, _, rest = listed.endpoint_id.partition("/")
    vendor = owner if owner != "fal-ai" else rest.split("/", 1)[0]
    return vendor, family


def record_from(
    listed: ListedModel, document: Any, previous: EndpointRecord | None, now: str
) -> EndpointRecord:
    """A fresh record from fal's entry and its OpenAPI document (SchemaError if unusable)."""
    if isinstance(document, dict) and isinstance(document.get("error"), dict):
        message = str(document["error"].get("message", "no reason given"))[:200]
        raise SchemaError(f"fal could not give the schema of {listed.endpoint_id}: {message}.")
    imported = import_schema(document, listed.endpoint_id)
    vendor, family = _vendor(listed)
    minutes = listed.metadata.duration_estimate
    return EndpointRecord(
        endpoint_id=listed.endpoint_id,
        display_name=listed.metadata.display_name[:MAX_NAME],
        category=listed.metadata.category[:60],
        vendor=vendor,
        family=family,
        status="active",
        updated_at=listed.metadata.updated_at,
        synced_at=now,
        fields=imported.fields,
        output=imported.output,
        result_key=imported.result_key,
        unsupported=imported.unsupported,
        notes=imported.notes,
        placement=place(imported.fields, listed.metadata.category, listed.endpoint_id),
        typical_seconds=round(minutes * 60) if minutes and minutes > 0 else None,
        price_text=previous.price_text if previous else None,
        fal_price=previous.fal_price if previous else None,
    )


def fal_price_of(answer: Any) -> FalPrice | None:
    unit_price, unit = answer.get("unit_price"), answer.get("unit")
    currency = answer.get("currency", "USD")
    if isinstance(unit_price, bool) or not isinstance(unit_price, int | float) or unit_price < 0:
        return None
    if not isinstance(unit, str) or not isinstance(currency, str) or currency.upper() != "USD":
        return None
    try:
        return FalPrice(unit_price=Decimal(str(unit_price)), unit=unit[:40], currency="USD")
    except (InvalidOperation, ValidationError):
        return None
