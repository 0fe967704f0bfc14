"""The user's synced copy of fal's catalogue, kept in the app's data folder.

`<data>/catalog/fal-catalog.json` is the last sync (the `SyncFile` format of
the shipped snapshot); `sync-state.json` beside it says when fal was last
asked and what that found, so a once-a-day check reads a few bytes, not the
catalogue. `models-listing.json` caches the `models --json` rows
(services.catalog_listing_cache).

Every write goes to a temporary file in the same folder first and replaces
the old one in one step, so a crash or a second qcut-ai never leaves half a
catalogue behind.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from qcut_ai.core.catalog import shipped_snapshot, user_catalog_path
from qcut_ai.core.catalog_records import EndpointRecord, SyncFile
from qcut_ai.core.errors import ConfigError

log = logging.getLogger(__name__)

STATE_FILE = "sync-state.json"


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step (a reader sees the old or the new file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class SyncState:
    """When fal was last asked, and how that went."""

    checked_at: str | None = None
    error: str | None = None

    @property
    def checked(self) -> datetime | None:
        if not self.checked_at:
            return None
        try:
            return datetime.fromisoformat(self.checked_at)
        except ValueError:
            return None


class CatalogStore:
    """Reads and writes the synced catalogue (default: the user's data folder)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or user_catalog_path()

    @property
    def state_path(self) -> Path:
        return self.path.with_name(STATE_FILE)

    def load(self) -> SyncFile | None:
        """The cached sync, fully validated; None when there is none or it is damaged."""
        try:
            return SyncFile.model_validate_json(self.path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValidationError, ValueError) as exc:
            log.warning(
                "The synced catalogue %s cannot be used (%s); starting afresh.", self.path, exc
            )
            return None

    def records(self) -> dict[str, EndpointRecord]:
        """What the catalogue stands on now: the cached sync over the shipped snapshot."""
        merged = dict(shipped_snapshot().by_endpoint())
        cached = self.load()
        for record in cached.records if cached else ():
            current = merged.get(record.endpoint_id)
            if current is None or (record.synced_at or "") >= (current.synced_at or ""):
                merged[record.endpoint_id] = record
        return merged

    def save(self, sync: SyncFile) -> None:
        try:
            write_atomically(self.path, sync.model_dump_json(exclude_defaults=True).encode())
        except OSError as exc:
            raise ConfigError(
                f"The synced catalogue could not be saved to {self.path} "
                f"({(exc.strerror or 'refused').lower()}).",
                hint="Free some space or check the data folder's permissions.",
            ) from exc

    def state(self) -> SyncState:
        try:
            data = json.loads(self.state_path.read_bytes())
        except (OSError, ValueError):
            return SyncState()
        if not isinstance(data, dict):
            return SyncState()
        checked, error = data.get("checked_at"), data.get("error")
        return SyncState(
            checked if isinstance(checked, str) else None,
            error if isinstance(error, str) else None,
        )

    def save_state(self, state: SyncState) -> None:
        body = {"checked_at": state.checked_at, "error": state.error}
        try:
            write_atomically(self.state_path, json.dumps(body).encode())
        except OSError as exc:
            log.warning("The sync state could not be saved (%s).", exc)
