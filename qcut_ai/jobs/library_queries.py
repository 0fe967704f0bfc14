"""What the library view asks for and how a worker answers it, without Qt.

`MediaQuery` (qcut_ai.core.media_query) describes what the panel shows;
`run_query` answers one page of it from a MediaRepository; `QueryConnection`
keeps the query worker's database connection open between queries.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcut_ai.core.errors import LibraryError, QcutError
from qcut_ai.core.media_query import PAGE_SIZE, MediaQuery
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.file_inode import file_inode

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem

QUERY_LIMIT = PAGE_SIZE
# What a dropped folder contributes to an import; a file dropped on its own is always tried.
MEDIA_SUFFIXES = (
    *(".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi"),
    *(".png", ".jpg", ".jpeg", ".webp"),
    *(".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg"),
)


@dataclass(frozen=True)
class LibraryFacets:
    """The values the filter bar offers: models and tags present in the library."""

    models: list[str]
    tags: list[str]


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: the items now in the library and one sentence per failed file."""

    items: list[MediaItem]
    errors: list[str]


def run_query(
    repo: Any, query: MediaQuery, offset: int = 0, after: MediaItem | None = None
) -> list[MediaItem]:
    """`query.limit` items for `query` from a MediaRepository, skipping `offset`, or
    continuing after the row `after` where its order allows (workers only)."""
    if after is None:
        return list(repo.find(query, offset))
    return list(repo.find(query, offset, after))


class QueryConnection:
    """The query worker's MediaRepository, kept open between queries.

    Opening the project's database costs more than a search (pragmas,
    migrations check), so one connection serves every query of a project; it
    is opened, used and closed on one thread. It opens without the integrity
    check, which reads the whole file (seconds at a million items) and would
    hold back the first screen; the file check that follows the first page
    runs it on its own connection and reports a damaged library.

    The connection never outlives its file: a query that fails closes it (a
    damaged file may be rebuilt next), and a file replaced since (a rebuild or
    a restore gives it a new inode) is reopened, so no descriptor is kept on a
    deleted database and its WAL.
    """

    def __init__(self) -> None:
        self._project: ProjectPaths | None = None
        self._db: Any = None
        self._repo: Any = None
        self._inode: tuple[int, int] | None = None

    def repository(self, project: ProjectPaths) -> Any:
        """The repository of `project`, opened on first use (another project's is closed)."""
        inode = file_inode(project.database)
        if (
            self._repo is None
            or self._project is None
            or self._project.root != project.root
            or inode != self._inode
        ):
            from qcut_ai.library.project_db import open_project_db
            from qcut_ai.library.repository import MediaRepository

            self.close()
            self._db = open_project_db(project, check=False)
            self._project, self._repo = project, MediaRepository(self._db, project.root)
            self._inode = inode if inode is not None else file_inode(project.database)
        return self._repo

    def run(self, project: ProjectPaths, fn: Callable[[Any], Any]) -> Any:
        """`fn(repository)` on the kept connection; a failure closes it, then propagates."""
        try:
            return fn(self.repository(project))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._project = self._db = self._repo = self._inode = None


def media_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders replaced by the media files inside them (recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in MEDIA_SUFFIXES and not p.name.startswith(".")
            )
        else:
            found.append(path)
    return found


def load_facets(repo: Any) -> LibraryFacets:
    """The models and tags present in the library (worker threads only)."""
    from qcut_ai.library.queries import model_names

    try:
        models = model_names(repo.db.conn)
    except sqlite3.Error as exc:
        raise LibraryError(f"The media library could not be read: {exc}.") from exc
    return LibraryFacets(models=models, tags=list(repo.all_tags()))


def added_since(repo: Any, known: int | None, state: dict[str, int]) -> tuple[int, list[MediaItem]]:
    """(newest id, items added after `known`), cheap when nothing changed: SQLite's
    data_version (kept in `state`) moves only when another connection committed."""
    version = repo.db.conn.execute("PRAGMA data_version").fetchone()[0]
    if known is not None and state.get("version") == version:
        return known, []
    state["version"] = version
    newest = int(repo.db.conn.execute("SELECT coalesce(max(id), 0) FROM media").fetchone()[0])
    if known is None or newest <= known:
        return newest, []
    return newest, repo.added_after(known)


def import_media(
    project: ProjectPaths,
    thumbnails: Path,
    dropped: list[Path],
    abort: Callable[[], bool],
    progress: Callable[[int, int], None],
) -> ImportOutcome:
    """Import dropped files and folders (workers only); a bad file gives one sentence
    and the rest go on."""
    from qcut_ai.library.bulk_import import import_many

    items: list[MediaItem] = []
    errors: list[str] = []
    files = media_files(dropped)
    try:
        items, errors = import_many(project, thumbnails, files, abort, progress)
    except QcutError as exc:  # the library itself failed: report it
        errors.append(exc.user_text())
    return ImportOutcome(items, errors)
