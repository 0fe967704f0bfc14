"""The catalogue's models by id: lookups, picker lists, successors, what is new.

Models are looked up by short id, fal endpoint id or a former endpoint id,
retired ones included. Curated models arrive built; an uncurated record a
sync brought stays raw JSON until something asks for it, so a catalogue of
1,500 endpoints loads without building 1,500 models.
"""

from __future__ import annotations

import difflib
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from qcut_ai.core.catalog_overlay import curate
from qcut_ai.core.catalog_records import CatalogChange, EndpointRecord
from qcut_ai.core.catalog_schema import Category, ModelSpec
from qcut_ai.core.errors import ConfigError, UnknownModelError

log = logging.getLogger(__name__)


@dataclass
class _Entry:
    """One model: its keys and listing facts, and the spec once built."""

    keys: tuple[str, ...]
    categories: tuple[Category, ...]
    offered: bool
    recommended: bool
    spec: ModelSpec | None = None
    raw: Mapping[str, Any] | None = None  # an uncurated record not yet validated


class Catalog:
    """All models, looked up by short id, fal endpoint id or a former endpoint id."""

    def __init__(
        self,
        models: Iterable[ModelSpec] = (),
        *,
        source: str = "snapshot",
        synced_at: str | None = None,
        last_change: CatalogChange | None = None,
        problems: Iterable[str] = (),
    ) -> None:
        self.source = source  # "snapshot" (shipped) or "cache" (the user's sync)
        self.synced_at = synced_at
        self.last_change = last_change
        self.problems: list[str] = list(problems)
        self._entries: list[_Entry] = []
        self._index: dict[str, int] = {}
        self._lock = threading.Lock()
        for spec in models:
            self.add(entry_of(spec))

    def add(self, entry: _Entry) -> None:
        position = len(self._entries)
        for key in dict.fromkeys(entry.keys):
            if key in self._index:
                raise ConfigError(f"The model catalogue lists '{key}' twice.")
            self._index[key] = position
        self._entries.append(entry)

    def _spec(self, entry: _Entry) -> ModelSpec | None:
        if entry.spec is not None or entry.raw is None:
            return entry.spec
        with self._lock:
            if entry.spec is None and entry.raw is not None:
                try:
                    entry.spec, _ = curate(EndpointRecord.model_validate(entry.raw), None)
                except (ValidationError, ValueError) as exc:
                    endpoint = entry.keys[0]
                    self.problems.append(f"{endpoint}: its cached facts are damaged ({exc})")
                    log.warning("The cached catalogue entry for %s is damaged: %s", endpoint, exc)
                entry.raw = None
        return entry.spec

    @property
    def models(self) -> tuple[ModelSpec, ...]:
        """Every model, curated ones first in overlay order, retired ones included."""
        built = (self._spec(e) for e in self._entries)
        return tuple(s for s in built if s is not None)

    def answers_to(self, key: str) -> bool:
        """True when an id, endpoint or former endpoint is taken (nothing is built)."""
        return key in self._index

    def __iter__(self) -> Iterator[ModelSpec]:
        return iter(self.models)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, id_or_endpoint: object) -> bool:
        return isinstance(id_or_endpoint, str) and self._find(id_or_endpoint) is not None

    def _find(self, id_or_endpoint: str) -> ModelSpec | None:
        key = id_or_endpoint.strip().strip("/")
        position = self._index.get(key)
        if position is None:
            position = self._index.get(key.lower())
        return None if position is None else self._spec(self._entries[position])

    def get(self, id_or_endpoint: str) -> ModelSpec:
        """The model with this short id or endpoint (retired ones too); UnknownModelError
        names close matches."""
        spec = self._find(id_or_endpoint)
        if spec is not None:
            return spec
        close = difflib.get_close_matches(id_or_endpoint.strip(), list(self._index), n=3)
        hint = "Run `qcut-ai models` to list them."
        if close:
            hint = f"Did you mean {', '.join(close)}? " + hint
        raise UnknownModelError(f"No model '{id_or_endpoint}' in the catalogue.", hint=hint)

    def in_category(self, category: Category | str) -> list[ModelSpec]:
        """What a picker lists for a category: active, supported models, recommended first,
        otherwise in catalogue order. Retired models are left out (`get` still finds them)."""
        try:
            wanted = Category(category)
        except ValueError:
            choices = ", ".join(c.value for c in Category)
            raise UnknownModelError(
                f"No category '{category}' in the catalogue.", hint=f"Choose one of {choices}."
            ) from None
        found = [e for e in self._entries if e.offered and wanted in e.categories]
        found.sort(key=lambda e: not e.recommended)
        built = (self._spec(e) for e in found)
        return [s for s in built if s is not None]

    active_in = in_category

    def default_model(self, category: Category | str) -> ModelSpec | None:
        """The model a category's picker pre-selects: its first listed one."""
        listed = self.in_category(category)
        return listed[0] if listed else None

    def offered(self) -> list[ModelSpec]:
        """Every model a picker may list, in catalogue order."""
        built = (self._spec(e) for e in self._entries if e.offered)
        return [s for s in built if s is not None]

    def retired(self) -> list[ModelSpec]:
        return [s for s in self.models if not s.active]

    def successors_of(self, spec: ModelSpec) -> list[ModelSpec]:
        """What to use instead of a retired model: its named successors that are still
        active, else the recommended active models of its category."""
        named = [self._find(s) for s in spec.successors]
        live = [s for s in named if s is not None and s.offered]
        if live:
            return live
        return [s for s in self.in_category(spec.category) if s.id != spec.id][:3]

    def is_new(self, spec: ModelSpec) -> bool:
        """True for a model the last sync added (the picker's "new" badge)."""
        return self.last_change is not None and spec.endpoint in self.last_change.added


def entry_of(spec: ModelSpec) -> _Entry:
    return _Entry(
        keys=(spec.id, spec.endpoint, *spec.aliases),
        categories=spec.categories,
        offered=spec.offered,
        recommended=spec.recommended,
        spec=spec,
    )


def raw_entry(raw: Mapping[str, Any]) -> _Entry | None:
    endpoint = raw.get("endpoint_id")
    placement = raw.get("placement") or ["text-to-video"]
    try:
        categories = tuple(Category(c) for c in placement)
    except (ValueError, TypeError):
        return None
    if not isinstance(endpoint, str) or not categories:
        return None
    status = raw.get("status", "active")
    offered = status == "active" and not raw.get("unsupported")
    return _Entry((endpoint,), categories, offered, False, raw=raw)
