"""Qt facade over the library: queries, writes, imports and thumbnail decoding run in workers."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader

from qcut_ai.core.errors import LibraryError, QcutError
from qcut_ai.core.media import MediaItem
from qcut_ai.engine.events import AbortFlag
from qcut_ai.services.paths import ProjectPaths, app_dirs

QUERY_LIMIT = 500
# What a dropped folder contributes to an import; a file dropped on its own is always tried.
MEDIA_SUFFIXES = (
    *(".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi"),
    *(".png", ".jpg", ".jpeg", ".webp"),
    *(".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg"),
)
_FILTERS = ("kind", "origin", "model", "tag", "min_rating", "favourite")
Progress = Callable[[int, int], None]
Work = Callable[[AbortFlag, Progress], Any]


@dataclass(frozen=True)
class LibraryQuery:
    """What the library shows: search text, filters (None = any) and sort order."""

    text: str = ""
    kind: str | None = None  # "video" | "image" | "audio"
    origin: str | None = None  # "ai" | "imported"
    model: str | None = None  # model name, id or endpoint
    tag: str | None = None
    min_rating: int | None = None
    favourite: bool | None = None
    sort: str = "newest"  # "newest" | "oldest" | "name" | "duration" | "rank" (best match)
    limit: int = QUERY_LIMIT

    def filters(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in _FILTERS if getattr(self, k) is not None}

    def is_default(self) -> bool:
        """True when every item belongs in the result, newest first."""
        return not self.text.strip() and not self.filters() and self.sort == "newest"


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


def run_query(repo: Any, query: LibraryQuery) -> list[MediaItem]:
    """The items for `query` from a MediaRepository (worker threads only)."""
    if query.text.strip():
        return list(repo.search(query.text, limit=query.limit, sort=query.sort, **query.filters()))
    # "rank" (best match) means nothing without search words: newest first then.
    sort = "newest" if query.sort == "rank" else query.sort
    return list(repo.list_recent(limit=query.limit, sort=sort, **query.filters()))


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
    all_models = getattr(repo, "all_models", None)
    if all_models is not None:
        models = list(all_models())
    else:  # until MediaRepository offers all_models()
        try:
            rows = repo.db.conn.execute(
                "SELECT DISTINCT model_name FROM media WHERE model_name IS NOT NULL "
                "ORDER BY model_name COLLATE NOCASE"
            ).fetchall()
        except sqlite3.Error as exc:
            raise LibraryError(f"The media library could not be read: {exc}.") from exc
        models = [r[0] for r in rows]
    return LibraryFacets(models=models, tags=list(repo.all_tags()))


class _Signals(QObject):
    # Each result travels with the GUI-side callback that consumes it.
    done = Signal(object, object)  # callback, result
    failed = Signal(object, str)  # abort flag of the task, one sentence
    image = Signal(str, QImage)  # path, decoded thumbnail
    progress = Signal(int, int)


class _Task(QRunnable):
    def __init__(
        self, work: Work, on_done: Callable[[Any], None], abort: AbortFlag, signals: _Signals
    ) -> None:
        super().__init__()
        self.work, self.on_done, self.abort, self.signals = work, on_done, abort, signals

    def run(self) -> None:
        try:
            result = self.work(self.abort, self.signals.progress.emit)
        except QcutError as exc:
            self.signals.failed.emit(self.abort, exc.user_text())
        except Exception as exc:  # boundary: a bug becomes a readable line, never a crash
            self.signals.failed.emit(self.abort, f"Internal error ({type(exc).__name__}: {exc}).")
        else:
            self.signals.done.emit(self.on_done, result)


class _Decode(QRunnable):
    def __init__(self, path: str, size: QSize, signals: _Signals) -> None:
        super().__init__()
        self.path, self.size, self.signals = path, size, signals

    def run(self) -> None:
        reader = QImageReader(self.path)
        original = reader.size()
        if self.size.isValid() and original.isValid():
            wanted = original.scaled(self.size, Qt.AspectRatioMode.KeepAspectRatio)
            if wanted.width() < original.width():
                # Decoding at the shown size is ~2x cheaper than decode-then-scale.
                reader.setScaledSize(wanted)
        image = reader.read()
        if not image.isNull():
            self.signals.image.emit(self.path, image)


class LibraryService(QObject):
    """Runs every library query, write, import and thumbnail decode off the GUI thread.

    Signals:
        items_loaded(object): list[MediaItem] for the latest query (stale answers dropped)
        thumbnail_ready(str, QImage): a decoded thumbnail or filmstrip for a path
        failed(str): a one-sentence error
        facets_loaded(object): LibraryFacets for the filter bar
        items_changed(object): list[MediaItem] after a rename, tag, rating or relink
        items_removed(object): list[int] of ids that left the library
        relinked(object): the RelinkResult of a relink pass
        import_progress(int, int): files done, files in the import
        import_finished(object): an ImportOutcome
    """

    items_loaded = Signal(object)
    thumbnail_ready = Signal(str, QImage)
    failed = Signal(str)
    facets_loaded = Signal(object)
    items_changed = Signal(object)
    items_removed = Signal(object)
    relinked = Signal(object)
    import_progress = Signal(int, int)
    import_finished = Signal(object)

    def __init__(self, parent: QObject | None = None, *, thumbnail_dir: Path | None = None):
        super().__init__(parent)
        self.thumbnail_dir = thumbnail_dir or app_dirs().thumbnails
        # Reads (queries, thumbnails) never wait behind a write or a long import.
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self.write_pool = QThreadPool(self)
        self.write_pool.setMaxThreadCount(1)  # writes apply in the order the user made them
        self.import_pool = QThreadPool(self)
        self.import_pool.setMaxThreadCount(1)
        self.project: ProjectPaths | None = None
        self.query = LibraryQuery()
        self._generation = 0
        self._requested: set[str] = set()
        self._aborts: set[AbortFlag] = set()
        self._signals = _Signals()
        self._signals.done.connect(self._on_done)
        self._signals.failed.connect(self._on_failed)
        self._signals.image.connect(self.thumbnail_ready)
        self._signals.progress.connect(self.import_progress)

    # -- reading ---------------------------------------------------------------
    def open(self, project: ProjectPaths) -> None:
        """Show `project`; files that vanished since the last visit get flagged missing."""
        self.project = project
        self._requested.clear()
        self.refresh()
        self.load_facets()
        self.check_missing()

    def refresh(self, query: LibraryQuery | str | None = None) -> None:
        """Run `query` (a text replaces only the search text; None re-runs the current one)."""
        if isinstance(query, str):
            query = replace(self.query, text=query)
        if query is not None:
            self.query = query
        if self.project is None:
            return
        self._generation += 1
        generation, current = self._generation, self.query
        self._read(lambda repo: run_query(repo, current), lambda r: self._loaded(generation, r))

    def load_facets(self) -> None:
        self._read(load_facets, self.facets_loaded.emit)

    def request_thumbnail(self, path: str, size: QSize | None = None) -> None:
        """Decode `path` (scaled to fit `size` when given) once; answers on thumbnail_ready."""
        if path in self._requested or not Path(path).is_file():
            return
        self._requested.add(path)
        self.pool.start(_Decode(path, size or QSize(), self._signals), -1)

    def forget_thumbnail(self, path: str) -> None:
        self._requested.discard(path)

    # -- writing ---------------------------------------------------------------
    def rename(self, media_id: int, name: str) -> None:
        self._write(lambda repo: [repo.rename(media_id, name)], self._changed)

    def set_tags(self, media_ids: Sequence[int], tags: Iterable[str]) -> None:
        ids, clean = list(media_ids), list(tags)
        self._write(lambda repo: [repo.set_tags(i, clean) for i in ids], self._changed)

    def set_rating(self, media_ids: Sequence[int], rating: int) -> None:
        ids = list(media_ids)
        self._write(lambda repo: [repo.set_rating(i, rating) for i in ids], self._changed)

    def set_favourite(self, media_ids: Sequence[int], favourite: bool) -> None:
        ids = list(media_ids)
        self._write(lambda repo: [repo.set_favourite(i, favourite) for i in ids], self._changed)

    def remove(self, media_ids: Sequence[int], *, delete_file: bool = False) -> None:
        """Forget items; with `delete_file` their files go to the OS trash."""
        ids = list(media_ids)

        def work(repo: Any) -> list[int]:
            for media_id in ids:
                repo.remove(media_id, delete_file=delete_file)
            return ids

        self._write(work, self._removed)

    def relink(self, folder: Path) -> None:
        """Look for missing files under `folder`; relinked rows come back on items_loaded."""
        self._write(lambda repo: repo.relink(Path(folder)), self._relinked)

    def check_missing(self) -> None:
        """Flag vanished files (and unflag returned ones), then re-query if anything may show."""

        def work(repo: Any) -> bool:
            was_missing = bool(repo.missing_items())
            return bool(repo.check_missing()) or was_missing

        self._write(work, lambda changed: self.refresh() if changed else None)

    def pending_tasks(self) -> int:
        """Queries, writes and imports started and not yet answered (thumbnails excluded)."""
        return len(self._aborts)

    def import_files(self, paths: Sequence[Path]) -> None:
        """Import files in place (probe, hash, thumbnails) with progress, one file at a time."""
        if self.project is None:
            self.failed.emit("Open a project before importing files.")
            return
        project, thumbs, dropped = self.project, self.thumbnail_dir, [Path(p) for p in paths]

        def work(abort: AbortFlag, progress: Progress) -> ImportOutcome:
            from qcut_ai.library.ingest import Library

            items: list[MediaItem] = []
            errors: list[str] = []
            files = media_files(dropped)
            progress(0, len(files))
            try:
                with Library(project, thumbs) as library:
                    for done, path in enumerate(files, start=1):
                        if abort():
                            break
                        for result in library.import_files([path]):
                            if isinstance(result, QcutError):
                                errors.append(result.message)  # one sentence per file
                            else:
                                items.append(result)
                        progress(done, len(files))
            except QcutError as exc:  # the library itself failed: report it, keep what was added
                errors.append(exc.user_text())
            return ImportOutcome(items, errors)

        self._start(self.import_pool, work, self._imported)

    def shutdown(self) -> None:
        """Stop queued work, ask running imports to stop, and wait for the workers."""
        for flag in self._aborts:
            flag.set(shutdown=True)
        for pool in (self.pool, self.write_pool, self.import_pool):
            pool.clear()
        for pool in (self.pool, self.write_pool, self.import_pool):
            pool.waitForDone(5000)

    # -- plumbing --------------------------------------------------------------
    def _with_repo(self, fn: Callable[[Any], Any]) -> Work:
        project = self.project
        assert project is not None

        def work(_abort: AbortFlag, _progress: Progress) -> Any:
            from qcut_ai.library.db import open_project_db
            from qcut_ai.library.repository import MediaRepository

            db = open_project_db(project)
            try:
                return fn(MediaRepository(db, project.root))
            finally:
                db.close()

        return work

    def _read(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None]) -> None:
        if self.project is not None:
            self._start(self.pool, self._with_repo(fn), on_done, priority=1)

    def _write(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None]) -> None:
        if self.project is None:
            self.failed.emit("Open a project before changing the library.")
            return
        self._start(self.write_pool, self._with_repo(fn), on_done)

    def _start(
        self, pool: QThreadPool, work: Work, on_done: Callable[[Any], None], priority: int = 0
    ) -> None:
        abort = AbortFlag()
        self._aborts.add(abort)

        def finish(result: Any) -> None:
            self._aborts.discard(abort)
            on_done(result)

        pool.start(_Task(work, finish, abort, self._signals), priority)

    def _on_done(self, callback: Callable[[Any], None], result: Any) -> None:
        callback(result)

    def _on_failed(self, abort: AbortFlag, text: str) -> None:
        self._aborts.discard(abort)
        self.failed.emit(text)

    def _loaded(self, generation: int, items: list[MediaItem]) -> None:
        if generation == self._generation:
            self.items_loaded.emit(items)

    def _changed(self, items: list[MediaItem]) -> None:
        self.items_changed.emit(items)
        self.load_facets()
        if not self.query.is_default():
            self.refresh()  # the change may move the items in or out of the filtered view

    def _removed(self, ids: list[int]) -> None:
        self.items_removed.emit(ids)
        self.load_facets()

    def _relinked(self, result: Any) -> None:
        self.relinked.emit(result)
        self.refresh()

    def _imported(self, outcome: ImportOutcome) -> None:
        self.import_finished.emit(outcome)
        self.load_facets()
        self.refresh()
