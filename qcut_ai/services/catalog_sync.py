"""Bring the user's catalogue up to date with fal: schemas, status and prices.

A sync lists fal's video models (search mode, one category at a time, every
page), fetches the OpenAPI document only of endpoints that are new or that
fal updated (find mode with `expand=openapi-3.0`, a few at a time), imports
each through the schema importer, asks find mode about known models the
listing no longer shows (deprecated, moved, or gone), reads unit prices, and
saves the result with what it added, changed and retired.

Nothing half-done is ever applied: a failed call leaves the catalogue as it
was. A bad entry (wrong types, an id with `..`, a hostile or broken schema)
is refused on its own with one sentence, and the rest applies; a model that
already worked keeps its last good facts. A sync that would retire more
than 10 % of the active models at once is not applied without `force`,
because a short or broken listing must never empty the panel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from qcut_ai.core.catalog import build_catalog, load_overlay
from qcut_ai.core.catalog_diff import field_changes, price_change
from qcut_ai.core.catalog_listing import catalog_rows
from qcut_ai.core.catalog_records import CatalogChange, EndpointRecord, SyncFile
from qcut_ai.core.errors import QcutError
from qcut_ai.core.schema_import import SchemaError
from qcut_ai.services.catalog_listing_cache import write_listing
from qcut_ai.services.catalog_store import CatalogStore, SyncState
from qcut_ai.services.fal_listing import (
    ListedModel,
    fal_price_of,
    listed_entry,
    record_from,
    valid_endpoint_id,
)
from qcut_ai.services.fal_platform import FalPlatformClient, PlatformError

log = logging.getLogger(__name__)

VIDEO_CATEGORIES = ("text-to-video", "image-to-video", "video-to-video", "audio-to-video")
SCHEMA_BATCH = 10  # OpenAPI documents per find call; a too-large answer is split
RETIRE_LIMIT = 0.10  # more than this share retired at once needs --force


@dataclass
class SyncReport:
    """What a sync found and did. `applied` is False when `blocked` says why not."""

    synced_at: str
    applied: bool = False
    blocked: str | None = None
    error: str | None = None
    added: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    listed: int = 0
    schemas_read: int = 0
    priced: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "synced_at": self.synced_at,
            "applied": self.applied,
            "blocked": self.blocked,
            "error": self.error,
            "added": self.added,
            "changed": self.changed,
            "retired": self.retired,
            "returned": self.returned,
            "refused": self.refused,
            "notes": self.notes,
            "disagreements": self.disagreements,
            "listed": self.listed,
            "schemas_read": self.schemas_read,
            "priced": self.priced,
        }


class _Sync:
    """One run of a sync over a client and the records the catalogue stands on."""

    def __init__(
        self,
        client: FalPlatformClient,
        current: dict[str, EndpointRecord],
        now: datetime,
    ) -> None:
        self.client = client
        self.current = current
        self.now = now
        self.stamp = now.isoformat(timespec="seconds")
        self.report = SyncReport(synced_at=self.stamp)
        self.unreadable: set[str] = set()  # refused already: no second sentence

    def listing(self, endpoints: Sequence[str]) -> dict[str, ListedModel]:
        refused = self.report.refused
        items: list[Any] = []
        if endpoints:
            for endpoint in endpoints:
                if not valid_endpoint_id(endpoint):
                    refused.append(f"{endpoint!r} was not asked for: it is not a fal endpoint id.")
            wanted = [e for e in dict.fromkeys(endpoints) if valid_endpoint_id(e)]
            items = self.client.find_models(wanted)
        else:
            for category in VIDEO_CATEGORIES:
                items += list(self.client.models(category=category))
        listed: dict[str, ListedModel] = {}
        for item in items:
            entry = listed_entry(item, refused)
            if entry is not None:
                listed[entry.endpoint_id] = entry
        self.report.listed = len(listed)
        return listed

    def schemas(self, ids: list[str]) -> dict[str, Any]:
        """OpenAPI documents by id; an answer too large or broken is split down to one id."""
        found: dict[str, Any] = {}

        def fetch(chunk: list[str]) -> None:
            try:
                models = self.client.find_models(chunk, expand_openapi=True)
            except PlatformError as exc:
                if exc.kind not in ("too_large", "bad_answer"):
                    raise
                if len(chunk) == 1:
                    why = (
                        "the answer was too large to read"
                        if exc.kind == "too_large"
                        else "the answer was not valid JSON (cut off or damaged)"
                    )
                    self.report.refused.append(f"fal's schema for {chunk[0]} was refused: {why}.")
                    self.unreadable.add(chunk[0])
                    return
                middle = len(chunk) // 2
                fetch(chunk[:middle])
                fetch(chunk[middle:])
                return
            for model in models:
                endpoint = model.get("endpoint_id") if isinstance(model, dict) else None
                if endpoint in chunk:
                    found[endpoint] = model.get("openapi")

        for start in range(0, len(ids), SCHEMA_BATCH):
            fetch(ids[start : start + SCHEMA_BATCH])
        self.report.schemas_read = len(found)
        return found

    def run(self, endpoints: Sequence[str]) -> dict[str, EndpointRecord]:
        listed = self.listing(endpoints)
        updated = dict(self.current)
        fetch = []
        for endpoint, entry in listed.items():
            old = self.current.get(endpoint)
            if entry.metadata.status == "deprecated":
                continue  # status only: a model nobody had is not added dead
            if (
                old is None
                or old.retired
                or old.updated_at != entry.metadata.updated_at
                or not old.fields
            ):
                fetch.append(endpoint)
        documents = self.schemas(fetch)
        for endpoint in fetch:
            old = self.current.get(endpoint)
            if endpoint not in documents:
                if endpoint not in self.unreadable:
                    self.report.refused.append(
                        f"fal gave no schema for {endpoint}, so it was left as it was."
                    )
                continue
            try:
                updated[endpoint] = record_from(
                    listed[endpoint], documents[endpoint], old, self.stamp
                )
            except SchemaError as exc:
                if "holds no video" in exc.message and old is None:
                    continue  # not a video model: nothing for this catalogue
                self.report.refused.append(exc.message)
        self.statuses(listed, updated, endpoints)
        self.prices(updated)
        return updated

    def statuses(
        self,
        listed: dict[str, ListedModel],
        updated: dict[str, EndpointRecord],
        endpoints: Sequence[str],
    ) -> None:
        """Deprecated at fal, or unknown to fal's find mode: retired."""
        for endpoint, entry in listed.items():
            if entry.metadata.status == "deprecated" and endpoint in updated:
                updated[endpoint] = self._retire(updated[endpoint], "deprecated")
        if endpoints:
            unseen = [e for e in endpoints if e in updated and e not in listed]
        else:
            unseen = [e for e, r in updated.items() if not r.retired and e not in listed]
        if not unseen:
            return
        known: dict[str, ListedModel] = {}
        for item in self.client.find_models(unseen):
            found = listed_entry(item, self.report.refused)
            if found is not None:
                known[found.endpoint_id] = found
        for endpoint in unseen:
            answer = known.get(endpoint)
            if answer is None:
                updated[endpoint] = self._retire(updated[endpoint], "gone")
            elif answer.metadata.status == "deprecated":
                updated[endpoint] = self._retire(updated[endpoint], "deprecated")

    def _retire(
        self, record: EndpointRecord, status: Literal["deprecated", "gone"]
    ) -> EndpointRecord:
        if record.status == status:
            return record
        day = record.retired_on if record.retired else self.now.date().isoformat()
        return record.model_copy(update={"status": status, "retired_on": day})

    def prices(self, updated: dict[str, EndpointRecord]) -> None:
        if not self.client.has_key:
            self.report.notes.append("Prices were not checked: fal's pricing needs a fal key.")
            return
        active = [e for e, r in updated.items() if not r.retired]
        try:
            answers = self.client.prices(active)
        except PlatformError as exc:
            self.report.notes.append(f"Prices were not checked: {exc.message}")
            return
        for answer in answers:
            endpoint = answer.get("endpoint_id") if isinstance(answer, dict) else None
            record = updated.get(endpoint) if isinstance(endpoint, str) else None
            price = fal_price_of(answer)
            if record is None or price is None:
                continue
            updated[record.endpoint_id] = record.model_copy(update={"fal_price": price})
            self.report.priced += 1


def _changes(
    before: dict[str, EndpointRecord], after: dict[str, EndpointRecord], report: SyncReport
) -> None:
    for endpoint, new in after.items():
        old = before.get(endpoint)
        if old is None:
            if not new.retired:
                report.added.append(endpoint)
            continue
        if not old.retired and new.retired:
            report.retired.append(endpoint)
        elif old.retired and not new.retired:
            report.returned.append(endpoint)
        lines = field_changes(old, new) + price_change(old, new)
        if lines:
            report.changed[endpoint] = lines


def sync_catalog(
    client: FalPlatformClient,
    *,
    store: CatalogStore | None = None,
    endpoints: Sequence[str] = (),
    force: bool = False,
    now: datetime | None = None,
) -> SyncReport:
    """Sync with fal and save the result (unless the 10 % guard stops it).

    Raises PlatformError (one sentence) when fal cannot be read; the saved
    catalogue is then untouched.
    """
    store = store or CatalogStore()
    now = now or datetime.now(UTC)
    current = store.records()
    run = _Sync(client, current, now)
    updated = run.run(endpoints)
    report = run.report
    report.refused = list(dict.fromkeys(report.refused))  # one entry seen in several searches
    _changes(current, updated, report)
    active_before = sum(1 for r in current.values() if not r.retired)
    if not force and active_before and len(report.retired) > RETIRE_LIMIT * active_before:
        report.blocked = (
            f"This sync would retire {len(report.retired)} of {active_before} models at once "
            f"(more than {RETIRE_LIMIT:.0%}), so nothing was changed: fal's listing may be "
            "incomplete. Run `qcut-ai models sync --force` to apply it anyway."
        )
        return report
    previous = store.load()
    changed = bool(report.added or report.retired or report.returned or report.changed)
    change = (
        CatalogChange(
            at=run.stamp,
            added=tuple(report.added),
            retired=tuple(report.retired),
            returned=tuple(report.returned),
            changed={k: tuple(v) for k, v in report.changed.items()},
        )
        if changed
        else (previous.last_change if previous else None)
    )
    sync = SyncFile(
        format=1,
        synced_at=run.stamp,
        checked_at=run.stamp,
        source=client.base_url,
        records=tuple(updated[e] for e in sorted(updated)),
        last_change=change,
    )
    store.save(sync)
    report.applied = True
    catalog = build_catalog(
        sync.by_endpoint(),
        load_overlay(),
        source="cache",
        synced_at=sync.synced_at,
        last_change=change,
    )
    report.disagreements = list(catalog.problems)
    write_listing(store.path, catalog_rows(list(catalog.models)))
    store.save_state(SyncState(run.stamp, None))
    return report


def sync_if_stale(
    *,
    store: CatalogStore | None = None,
    client_factory: Callable[[], FalPlatformClient] | None = None,
    max_age: timedelta = timedelta(days=1),
    now: datetime | None = None,
) -> SyncReport | None:
    """The app's background check: sync when the last check is older than `max_age` and
    a fal key is set. None when no check was due; a failed check is a report with
    `error` set (and is retried at the next call), never an exception."""
    store = store or CatalogStore()
    now = now or datetime.now(UTC)
    checked = store.state().checked
    if checked is not None and checked.tzinfo is not None and now - checked < max_age:
        return None
    if client_factory is None:
        from qcut_ai.services.secrets import resolve_key

        key = resolve_key()
        if key is None:
            return None

        def client_factory() -> FalPlatformClient:
            return FalPlatformClient(key.value)

    try:
        with client_factory() as client:
            return sync_catalog(client, store=store, now=now)
    except QcutError as exc:
        log.warning("The daily catalogue check failed: %s", exc.user_text())
        store.save_state(SyncState(store.state().checked_at, exc.user_text()))
        return SyncReport(synced_at=now.isoformat(timespec="seconds"), error=exc.user_text())
