"""Find moved media again: by content hash first, then by file name and duration."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

from qcut_ai.core.errors import LibraryError, MediaError
from qcut_ai.core.media import MediaItem, RelinkResult
from qcut_ai.library.missing_files import check_missing
from qcut_ai.library.probe import probe, sha256_file


class MissingItems(Protocol):
    """What relinking needs of the library (MediaRepository has it)."""

    db: Any  # the sqlite-utils Database, read by check_missing
    root: Path | None

    def missing_items(self) -> list[MediaItem]: ...

    def set_path(self, media_id: int, path: Path) -> MediaItem: ...


_DURATION_TOLERANCE_S = 0.1


class MissingFileError(MediaError):
    """A library item whose file is no longer where the library expects it."""

    def __init__(self, item: MediaItem) -> None:
        super().__init__(
            f"{item.display_name} is missing: {item.path} no longer exists.",
            hint="Relink it to the folder it moved to (qcut-ai library relink --folder DIR).",
        )
        self.media_id = item.id
        self.path = item.path


def relink(repo: MissingItems, folder: Path) -> RelinkResult:
    """Point missing items at files found under `folder` (recursively)."""
    if not folder.is_dir():
        raise LibraryError(f"{folder} is not a folder.", hint="Pass the folder the media moved to.")
    check_missing(repo)
    missing = repo.missing_items()
    files = [p for p in _walk(folder) if not p.name.endswith((".qcut.json", ".part"))]
    if not missing:
        return RelinkResult(0, 0, len(files))
    by_size: dict[int, list[MediaItem]] = {}
    for item in missing:
        by_size.setdefault(item.probe.size, []).append(item)
    pending = {item.id: item for item in missing}
    used: set[Path] = set()
    # Pass 1: same size and same SHA-256. Only files whose size matches a
    # missing item are hashed, so big unrelated folders stay cheap.
    for path in files:
        candidates = [i for i in by_size.get(_size(path), []) if i.id in pending]
        if not candidates:
            continue
        digest = sha256_file(path)
        for item in candidates:
            if item.probe.sha256 and item.probe.sha256 == digest:
                repo.set_path(item.id, path)
                pending.pop(item.id)
                used.add(path)
                break
    # Pass 2: the same file name and about the same duration (re-encoded or
    # re-tagged copies no longer hash the same).
    by_name: dict[str, list[Path]] = {}
    for path in files:
        if path not in used:
            by_name.setdefault(path.name.casefold(), []).append(path)
    for item in list(pending.values()):
        for path in by_name.get(Path(item.path).name.casefold(), []):
            if path in used or not _same_duration(path, item):
                continue
            repo.set_path(item.id, path)
            pending.pop(item.id)
            used.add(path)
            break
    return RelinkResult(len(missing) - len(pending), len(pending), len(files))


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, _dirs, names in os.walk(folder):
        found.extend(Path(dirpath, n).resolve() for n in names)
    return found


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def _same_duration(path: Path, item: MediaItem) -> bool:
    try:
        info = probe(path, with_hash=False)
    except MediaError:
        return False
    if info.kind != item.kind:
        return False
    if item.probe.duration is None or info.duration is None:
        return item.probe.duration is None and info.duration is None
    return abs(info.duration - item.probe.duration) <= _DURATION_TOLERANCE_S
