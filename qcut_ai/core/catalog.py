"""The model catalogue: every fal video model qcut-ai knows, active or retired.

`load_catalog()` is the one entry point. It starts from the user's cached
sync of fal's listing (in the data folder) merged over the shipped snapshot
(`resources/fal_snapshot.json`), a record's newer copy winning, and applies
our curated overlay (`resources/model_overlay.json`) on top. It never touches
the network; `services.catalog_sync` refreshes the cache.

Pickers ask `in_category()`, which lists only models that are active at fal
and that qcut-ai supports; `get()` finds any model, retired ones included,
so History, the library, provenance and resumed jobs keep working.

Curated models are built when the catalogue loads (their disagreements with
fal are reported in `problems`); the hundreds of uncurated ones a sync brings
are built the first time something asks for them, so loading stays quick.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from qcut_ai.core.catalog_files import (
    OVERLAY_FILE,
    SNAPSHOT_FILE,
    resource_text,
    user_catalog_path,
)
from qcut_ai.core.catalog_index import Catalog, entry_of, raw_entry
from qcut_ai.core.catalog_overlay import OverlayFile, curate, overlay_problems
from qcut_ai.core.catalog_records import CatalogChange, EndpointRecord, SyncFile
from qcut_ai.core.catalog_schema import (
    Category,
    FieldSpec,
    FieldType,
    MediaRole,
    ModelSpec,
    PriceSpec,
    PriceUnit,
    Role,
    Tier,
)
from qcut_ai.core.errors import ConfigError, QcutError

__all__ = [
    "Catalog",
    "Category",
    "FieldSpec",
    "FieldType",
    "MediaRole",
    "ModelSpec",
    "PriceSpec",
    "PriceUnit",
    "RetiredModelError",
    "Role",
    "Tier",
    "load_catalog",
    "parse_catalog",
    "refuse_unusable",
    "resource_text",
    "user_catalog_path",
]

log = logging.getLogger(__name__)


class RetiredModelError(QcutError):
    """A request for a model fal retired, or one qcut-ai cannot send yet."""


def refuse_unusable(spec: ModelSpec, catalog: Catalog | None = None) -> None:
    """Raise RetiredModelError, naming what to use instead, unless `spec` can be sent."""
    if spec.unsupported:
        raise RetiredModelError(
            f"{spec.name} is not supported yet: {spec.unsupported}.",
            hint="Choose another model; `qcut-ai models` lists them.",
        )
    if spec.active:
        return
    catalog = catalog or load_catalog()
    names = [f"{s.name} ({s.id})" for s in catalog.successors_of(spec)]
    instead = f"use {' or '.join(names[:3])} instead" if names else "choose another model"
    raise RetiredModelError(
        f"{spec.name} was {spec.retired_text}; {instead}.",
        hint="Nothing was sent; `qcut-ai models` lists the current models.",
    )


def _newer(a: Mapping[str, Any] | EndpointRecord, b: Mapping[str, Any] | EndpointRecord) -> bool:
    """True when record `a` was fetched later than `b` (None counts as oldest)."""

    def when(r: Mapping[str, Any] | EndpointRecord) -> str:
        value = r.synced_at if isinstance(r, EndpointRecord) else r.get("synced_at")
        return value if isinstance(value, str) else ""

    return when(a) > when(b)


def build_catalog(
    records: Mapping[str, Mapping[str, Any] | EndpointRecord],
    overlay: OverlayFile,
    *,
    source: str = "snapshot",
    synced_at: str | None = None,
    last_change: CatalogChange | None = None,
) -> Catalog:
    """Curated models over their fal records, then every other record, uncurated."""
    problems = overlay_problems(overlay)
    catalog = Catalog(source=source, synced_at=synced_at, last_change=last_change)
    curated_endpoints = set()
    for curated in overlay.models:
        curated_endpoints.add(curated.endpoint)
        raw = records.get(curated.endpoint)
        if raw is None:
            problems.append(f"{curated.id}: fal's facts for {curated.endpoint} are missing")
            continue
        try:
            record = raw if isinstance(raw, EndpointRecord) else EndpointRecord.model_validate(raw)
            spec, found = curate(record, curated)
        except (ValidationError, ValueError) as exc:
            problems.append(f"{curated.id}: its facts cannot be used ({exc})")
            continue
        problems += found
        catalog.add(entry_of(spec))
    for endpoint in sorted(records):
        if endpoint in curated_endpoints:
            continue
        raw = records[endpoint]
        entry = (
            entry_of(curate(raw, None)[0]) if isinstance(raw, EndpointRecord) else raw_entry(raw)
        )
        if entry is None:
            problems.append(f"{endpoint}: its cached facts are damaged")
        elif any(catalog.answers_to(key) for key in entry.keys):
            problems.append(f"{endpoint}: its id is already used by a curated model")
        else:
            catalog.add(entry)
    catalog.problems = problems
    return catalog


# -- where the data comes from ---------------------------------------------------


def _damaged(what: str, exc: ValidationError) -> ConfigError:
    return ConfigError(
        f"The {what} is damaged ({exc.error_count()} problems: {exc.errors()[0]}).",
        hint="Reinstall qcut-ai.",
    )


@functools.cache
def load_overlay() -> OverlayFile:
    """Our curated overlay, validated once per process."""
    try:
        return OverlayFile.model_validate_json(resource_text(OVERLAY_FILE))
    except ValidationError as exc:
        raise _damaged("model overlay", exc) from exc


@functools.cache
def shipped_snapshot() -> SyncFile:
    """fal's facts as shipped with this release, validated once per process."""
    try:
        return SyncFile.model_validate_json(resource_text(SNAPSHOT_FILE))
    except ValidationError as exc:
        raise _damaged("shipped model snapshot", exc) from exc


def read_cache(path: Path) -> dict[str, Any] | None:
    """The cached sync as plain JSON (records are validated when they are built), or
    None when there is none or it cannot be read (the shipped snapshot is used then)."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning(
            "The cached model catalogue %s cannot be read (%s); using the shipped one.", path, exc
        )
        return None
    if (
        not isinstance(data, dict)
        or data.get("format") != 1
        or not isinstance(data.get("records"), list)
    ):
        log.warning("The cached model catalogue %s is not in a known format; ignored.", path)
        return None
    return data


def parse_catalog(snapshot_text: str, overlay_text: str | None = None) -> Catalog:
    """A catalogue from a snapshot's JSON text (and an overlay's, else the shipped one),
    every record validated: a damaged entry fails here, not when someone pays."""
    try:
        snapshot = SyncFile.model_validate_json(snapshot_text)
        overlay = OverlayFile.model_validate_json(overlay_text) if overlay_text else load_overlay()
    except ValidationError as exc:
        raise _damaged("model catalogue", exc) from exc
    return build_catalog(
        snapshot.by_endpoint(),
        overlay,
        synced_at=snapshot.synced_at,
        last_change=snapshot.last_change,
    )


@functools.lru_cache(maxsize=4)
def _load(cache_key: tuple[str, int, int] | None) -> Catalog:
    shipped = shipped_snapshot()
    records: dict[str, Mapping[str, Any] | EndpointRecord] = dict(shipped.by_endpoint())
    cached = read_cache(Path(cache_key[0])) if cache_key else None
    if cached is None:
        return build_catalog(records, load_overlay(), synced_at=shipped.synced_at, last_change=None)
    overlay = load_overlay()
    curated = {m.endpoint for m in overlay.models}
    for raw in cached["records"]:
        endpoint = raw.get("endpoint_id") if isinstance(raw, dict) else None
        if not isinstance(endpoint, str):
            continue
        current = records.get(endpoint)
        if current is not None and _newer(current, raw):
            continue
        if endpoint in curated:
            # A damaged copy of a curated model must not lose the model: keep the
            # shipped facts instead (uncurated ones are checked when first built).
            try:
                records[endpoint] = EndpointRecord.model_validate(raw)
            except ValidationError as exc:
                log.warning(
                    "The cached facts for %s are damaged (%s); shipped ones kept.",
                    endpoint,
                    exc.errors()[0],
                )
            continue
        records[endpoint] = raw
    change = None
    try:
        if cached.get("last_change"):
            change = CatalogChange.model_validate(cached["last_change"])
    except ValidationError:
        change = None
    return build_catalog(
        records,
        overlay,
        source="cache",
        synced_at=str(cached.get("synced_at") or shipped.synced_at),
        last_change=change,
    )


def load_catalog() -> Catalog:
    """The catalogue as it stands: the user's cached sync over the shipped snapshot.

    Parsed once per version of the cache file: after a sync rewrites it, the
    next call returns the new catalogue.
    """
    path = user_catalog_path()
    try:
        stat = path.stat()
    except OSError:
        return _load(None)
    return _load((str(path), stat.st_mtime_ns, stat.st_size))


def reload_catalog() -> Catalog:
    """Forget every parsed catalogue (tests, or after replacing the shipped files)."""
    _load.cache_clear()
    return load_catalog()
