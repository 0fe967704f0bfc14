"""The stand-in's recorded fal registry: what its Platform API lists, and its changes.

Loaded from `resources/standin_registry.json` (fal's facts for every curated
endpoint and a few more, from a registry snapshot; see
scripts/build_catalog_data.py). Tests change it at run time the way fal
changes: `retire()` marks an endpoint deprecated, `forget()` makes fal's
find mode no longer know it, `add()` publishes a new one, `set_price()`
moves a price, and `put_raw()` / `set_document()` serve hostile answers.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import threading
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from qcut_ai.services.rehearsal.registry_openapi import openapi_for

REGISTRY_FILE = "standin_registry.json"


@functools.cache
def recorded_endpoints() -> tuple[dict[str, Any], ...]:
    """The recorded registry's records (shared: a Registry replaces, never edits, them)."""
    try:
        text = (resources.files("qcut_ai.resources") / REGISTRY_FILE).read_text("utf-8")
    except ModuleNotFoundError:
        checkout = Path(__file__).resolve().parents[3] / "resources" / REGISTRY_FILE
        text = checkout.read_text("utf-8")
    return tuple(json.loads(text)["endpoints"])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Registry:
    """fal's models as the stand-in serves them. Thread-safe."""

    def __init__(self, records: Iterable[dict[str, Any]] | None = None) -> None:
        if records is None:
            records = recorded_endpoints()
        self._lock = threading.Lock()
        self._records: dict[str, dict[str, Any]] = {r["endpoint_id"]: r for r in records}
        self._raw: dict[str, Any] = {}  # endpoint id -> model object served verbatim
        self._documents: dict[str, Any] = {}  # endpoint id -> OpenAPI answer override
        self._prices: dict[str, dict[str, Any] | None] = {}

    # -- changes a test makes ---------------------------------------------------

    def retire(self, endpoint_id: str) -> None:
        """fal marks the endpoint deprecated (it still lists and finds it)."""
        with self._lock:
            self._records[endpoint_id] = {**self._records[endpoint_id], "deprecated": True}

    def forget(self, endpoint_id: str) -> None:
        """fal no longer knows the endpoint at all."""
        with self._lock:
            self._records.pop(endpoint_id, None)
            self._raw.pop(endpoint_id, None)

    def add(self, record: dict[str, Any]) -> None:
        """fal publishes an endpoint (a record in the registry's form)."""
        with self._lock:
            self._records[record["endpoint_id"]] = copy.deepcopy(record)

    def set_price(self, endpoint_id: str, unit_price: float | None, unit: str = "second") -> None:
        """fal's pricing API answers this unit price (None: no price)."""
        with self._lock:
            self._prices[endpoint_id] = (
                None
                if unit_price is None
                else {"unit_price": unit_price, "unit": unit, "currency": "USD"}
            )

    def set_document(self, endpoint_id: str, document: Any) -> None:
        """`expand=openapi-3.0` returns this for the endpoint, whatever it is."""
        with self._lock:
            self._documents[endpoint_id] = document

    def put_raw(self, endpoint_id: str, model: Any) -> None:
        """The listing carries this object for the id, verbatim (hostile answers)."""
        with self._lock:
            self._raw[endpoint_id] = model

    def touch(self, endpoint_id: str, updated_at: str) -> None:
        """fal updated the endpoint (a new schema behind the same id)."""
        with self._lock:
            self._records[endpoint_id] = {**self._records[endpoint_id], "updated_at": updated_at}

    def record(self, endpoint_id: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._records[endpoint_id])

    # -- what fal answers ----------------------------------------------------------

    def ids(self) -> list[str]:
        with self._lock:
            return sorted(set(self._records) | set(self._raw))

    def knows(self, endpoint_id: str) -> bool:
        with self._lock:
            return endpoint_id in self._records or endpoint_id in self._raw

    def model(self, endpoint_id: str, *, expand: bool) -> Any:
        """The model object of GET /v1/models (with `openapi` when expanded)."""
        with self._lock:
            if endpoint_id in self._raw:
                return self._raw[endpoint_id]
            record = self._records[endpoint_id]
            document = self._documents.get(endpoint_id)
        published = str(record.get("published") or "2026-01-01")
        family = str(record.get("family") or record.get("lab") or "")
        metadata: dict[str, Any] = {
            "display_name": record.get("title") or endpoint_id,
            "category": record.get("category", ""),
            "description": f"{record.get('title') or endpoint_id} on fal.",
            "status": "deprecated" if record.get("deprecated") else "active",
            "tags": [],
            "updated_at": record.get("updated_at") or f"{published}T00:00:00Z",
            "is_favorited": None,
            "thumbnail_url": f"https://fal.media/files/thumbnails/{_slug(endpoint_id)}.jpg",
            "model_url": f"https://fal.run/{endpoint_id}",
            "date": f"{published}T00:00:00Z",
            "highlighted": False,
            "pinned": False,
            "kind": "inference",
        }
        if family:
            metadata["group"] = {"key": _slug(family), "label": family}
        model: dict[str, Any] = {"endpoint_id": endpoint_id, "metadata": metadata}
        if expand:
            if document is not None:
                model["openapi"] = document
            else:
                model["openapi"] = record.get("openapi") or openapi_for(record)
        return model

    def matches(self, endpoint_id: str, *, category: str, status: str, query: str) -> bool:
        """Search mode: category, status and free text over name, description and category."""
        with self._lock:
            record = self._records.get(endpoint_id)
        if record is None:
            return True  # a raw (hostile) object shows up in every search
        state = "deprecated" if record.get("deprecated") else "active"
        if category and record.get("category") != category:
            return False
        if status and state != status:
            return False
        text = f"{record.get('title', '')} {endpoint_id} {record.get('category', '')}".lower()
        return not query or query.lower() in text

    def price(self, endpoint_id: str) -> dict[str, Any] | None:
        with self._lock:
            if endpoint_id in self._prices:
                price = self._prices[endpoint_id]
            else:
                price = (self._records.get(endpoint_id) or {}).get("unit_price")
        return None if price is None else {"endpoint_id": endpoint_id, **price}
