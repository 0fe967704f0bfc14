"""Rebuild a project's library from its media folder when the database is lost.

Every generated clip carries its provenance twice (a `.qcut.json` sidecar and
the container's tags), and the sidecar also keeps the user's name, tags,
rating and favourite. A missing, empty or damaged `qcut-ai.db` can therefore
be rebuilt: the new library is built under a temporary name and put in place
whole; the old file stays beside it as a backup.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qcut_ai.core.errors import DamagedLibraryError, LibraryError, QcutError
from qcut_ai.library import provenance as prov_io
from qcut_ai.library.db import (
    SIDE_FILES,
    backup_live,
    create_database,
    damaged,
    existing_backup,
    open_database,
)
from qcut_ai.library.layout import ProjectLayout
from qcut_ai.library.project_db import project_database
from qcut_ai.library.schema import library_schema

if TYPE_CHECKING:
    from qcut_ai.core.media import MediaItem
    from qcut_ai.library.ingest import Library

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Abort = Callable[[], bool]


@dataclass(frozen=True)
class _TempLayout:
    root: Path
    database: Path
    media: Path


@dataclass
class RebuildResult:
    """What a rebuild found: clips restored, files it could not use, the old file's copy."""

    restored: int = 0
    generated: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    backup: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "restored": self.restored,
            "generated": self.generated,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "backup": self.backup,
        }


def database_state(project: ProjectLayout, abort: Callable[[], bool] | None = None) -> str:
    """ "missing", "empty", "damaged" or "healthy" (opened and checked by SQLite; `abort`
    can stop the check, see `db.open_database`)."""
    path = project.database
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        return "missing"
    if size == 0:
        return "empty"
    try:
        db = open_database(path, create=False, abort=abort)
    except DamagedLibraryError:
        return "damaged"
    except LibraryError:
        return "healthy"  # locked or read-only: the file itself is fine
    db.close()
    return "healthy"


def media_files(folder: Path) -> list[Path]:
    """The media files of a project folder (no sidecars, partial or hidden files)."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [
        p
        for p in entries
        if p.is_file()
        and not p.name.startswith(".")
        and not p.name.endswith((prov_io.SIDECAR_SUFFIX, ".part"))
    ]


def rebuild_library(
    project: ProjectLayout,
    thumbnail_dir: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
    abort: Abort | None = None,
) -> RebuildResult:
    """Build a new library from the media folder and put it in place of the old database.

    A healthy database is only replaced with `force` (its copy is kept). Close
    other qcut-ai windows on the project first: they would keep writing to the
    file that is replaced.
    """
    from qcut_ai.library.ingest import Library

    state = database_state(project)
    result = RebuildResult()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    if state == "healthy":
        if not force:
            raise LibraryError(
                f"The library database of {project.root} is healthy; a rebuild would "
                "replace it (and its job history).",
                hint="Add --force to rebuild anyway; the current file is kept as a copy.",
            )
        copy = project.database.with_name(f"{project.database.name}.before-rebuild-{stamp}.bak")
        with project_database(project) as db:
            backup_live(db, copy)
        result.backup = copy.name
    elif state in ("empty", "damaged"):
        damaged(project.database)  # copies it aside once, if not already done
        saved = existing_backup(project.database)
        result.backup = saved.name if saved is not None else None

    files = media_files(project.media)
    temp = project.database.with_name(f".{project.database.name}.rebuild-{os.getpid()}")
    _remove(temp)
    layout = _TempLayout(project.root, temp, project.media)
    try:
        create_database(temp, library_schema)
        with Library(layout, thumbnail_dir) as library:
            for index, path in enumerate(files):
                if abort is not None and abort():
                    raise LibraryError("The rebuild was cancelled; the old database is unchanged.")
                if progress is not None:
                    progress(index, len(files))
                try:
                    item = library.import_file(path)
                except QcutError as exc:
                    result.skipped.append((str(path), exc.message))
                    continue
                item = _restore_edits(library, item)
                result.restored += 1
                result.generated += int(item.provenance is not None)
            library.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _put_in_place(temp, project.database, stamp, keep_old=state != "missing")
    finally:
        _remove(temp)
    if progress is not None:
        progress(len(files), len(files))
    return result


def _restore_edits(library: Library, item: MediaItem) -> MediaItem:
    fields = prov_io.read_library_fields(Path(item.path))
    repo = library.repo
    if isinstance(fields.get("name"), str) and fields["name"].strip():
        item = repo.rename(item.id, fields["name"])
    tags = fields.get("tags")
    if isinstance(tags, list) and tags:
        item = repo.set_tags(item.id, [str(t) for t in tags])
    rating = fields.get("rating")
    if isinstance(rating, int) and 0 < rating <= 5:
        item = repo.set_rating(item.id, rating)
    if fields.get("favourite") is True:
        item = repo.set_favourite(item.id, True)
    return item


def _put_in_place(new: Path, target: Path, stamp: str, *, keep_old: bool) -> None:
    """Move the old database (and its WAL) aside by rename, then the new one in."""
    if keep_old and target.exists():
        aside = target.with_name(f"{target.name}.replaced-{stamp}")
        os.replace(target, aside)
        for extra in SIDE_FILES:
            side = target.with_name(target.name + extra)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + extra))
    os.replace(new, target)


def _remove(path: Path) -> None:
    for name in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
        with contextlib.suppress(OSError):
            name.unlink()
