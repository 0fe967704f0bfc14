"""The cached `models --json` rows of a synced catalogue, next to the sync itself.

Listing 1,500 synced models should not mean building 1,500 models on every
call: the rows are written after each sync (and after a listing that had to
compute them) and reused while everything they are computed from is the
same: this release, its shipped overlay and snapshot, and the synced file
(or its absence).
No pydantic and no catalogue classes here, so a cache hit stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from qcut_ai import __version__
from qcut_ai.core.catalog_files import OVERLAY_FILE, SNAPSHOT_FILE, resource_text

log = logging.getLogger(__name__)

LISTING_FILE = "models-listing.json"
LISTING_FORMAT = 1


def listing_path(cache: Path) -> Path:
    return cache.with_name(LISTING_FILE)


def listing_key(cache: Path) -> str:
    """What the rows depend on: the synced file (when there is one) and the shipped data."""
    try:
        stat = cache.stat()
        synced = f"{stat.st_mtime_ns}:{stat.st_size}"
    except OSError:
        synced = "shipped only"
    shipped = hashlib.sha1()
    for name in (OVERLAY_FILE, SNAPSHOT_FILE):
        shipped.update(resource_text(name).encode("utf-8"))
    return "|".join(str(p) for p in (__version__, LISTING_FORMAT, synced, shipped.hexdigest()))


def read_listing(cache: Path) -> list[dict[str, Any]] | None:
    """The cached rows when they still match the catalogue, else None."""
    key = listing_key(cache)
    try:
        data = json.loads(listing_path(cache).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    rows = data.get("rows")
    return rows if isinstance(rows, list) else None


def write_listing(cache: Path, rows: list[dict[str, Any]]) -> None:
    from qcut_ai.services.catalog_store import write_atomically

    key = listing_key(cache)
    data = json.dumps({"key": key, "rows": rows}, ensure_ascii=False).encode("utf-8")
    try:
        write_atomically(listing_path(cache), data)
    except OSError as exc:  # a cache: without it, listing is only slower
        log.warning("The model listing could not be cached (%s).", exc)
