"""Qt facade over the library: queries, writes, imports and thumbnail decoding run in workers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSize, QTimer, Signal
from PySide6.QtGui import QImage

from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.events import AbortFlag, AnyOf
from qcut_ai.core.media_query import MediaQuery
from qcut_ai.core.project import ProjectPaths
from qcut_ai.jobs.import_service import FolderImports, Progress, Work
from qcut_ai.jobs.input_reading import decode_picture
from qcut_ai.jobs.library_queries import (
    PAGE_SIZE,
    QueryConnection,
    added_since,
    load_facets,
    run_query,
)
from qcut_ai.jobs.tasks import Runners, TaskRunner, default_runners

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem

# The file check waits this long after the first page arrives, so the stat of
# every file never competes with painting the first screen.
MISSING_CHECK_DELAY_MS = 250
# How often the open project is checked for items other processes added.
EXTERNAL_CHECK_MS = 2000

_SKIPPED = object()  # the answer of a query superseded before it ran


class LibraryService(QObject):
    """Runs every library query, write, import and thumbnail decode off the GUI thread.

    Queries and writes run in order on the database runner's one thread and
    its kept connection, so a keystroke's search never waits behind thumbnail
    decodes or imports (media runner) nor opens the database again. A query's
    first page comes on items_loaded; `fetch_more` brings the next ones on
    more_loaded while `has_more` says there may be more.

    Signals:
        items_loaded(object): list[MediaItem], the first rows of the latest query
            (stale answers dropped)
        more_loaded(object): list[MediaItem], the next rows of the latest query
        thumbnail_ready(str, QImage): a decoded thumbnail or filmstrip for a path
        failed(str): a one-sentence error
        facets_loaded(object): LibraryFacets for the filter bar
        items_changed(object): list[MediaItem] after a rename, tag, rating or relink
        items_removed(object): list[int] of ids that left the library
        relinked(object): the RelinkResult of a relink pass
        import_progress(int, int): files done, files in the import
        import_finished(object): an ImportOutcome
        items_appeared(object): list[MediaItem] that another process (a `qcut-ai`
            command, another window) or a job of this one added since the last look
    """

    items_loaded = Signal(object)
    more_loaded = Signal(object)
    thumbnail_ready = Signal(str, QImage)
    failed = Signal(str)
    facets_loaded = Signal(object)
    items_changed = Signal(object)
    items_removed = Signal(object)
    relinked = Signal(object)
    import_progress = Signal(int, int)
    import_finished = Signal(object)
    items_appeared = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        thumbnail_dir: Path | None = None,
        runners: Runners | None = None,
    ):
        super().__init__(parent)
        self.thumbnail_dir = thumbnail_dir or app_dirs().thumbnails
        self._runners = runners or default_runners()
        # The database runner's one thread never expires: it owns the kept connection,
        # closed on that thread when the runner shuts down.
        self._connection = QueryConnection()
        self._runners.database.at_shutdown(self._connection.close)
        self.project: ProjectPaths | None = None
        self.query = MediaQuery()
        self.has_more = False  # the latest query may have rows after those delivered
        self._generation = 0
        self._delivered = 0  # rows of the latest query delivered so far
        self._fetch: AbortFlag | None = None  # the page being fetched, if any
        self._queries: list[AbortFlag] = []  # queries of the latest state not yet answered
        self._missing_timer = QTimer(self)
        self._missing_timer.setSingleShot(True)
        self._missing_timer.setInterval(MISSING_CHECK_DELAY_MS)
        self._missing_timer.timeout.connect(self.check_missing)
        self._check_after_load = False
        self._requested: set[str] = set()
        self._aborts: set[AbortFlag] = set()
        self._imports = FolderImports(self, self._start, lambda flag: flag in self._aborts)
        # Other processes write the same project (see qcut_ai.library.leases): a cheap
        # PRAGMA data_version on the kept connection tells when to look for new items.
        self._known_max_id: int | None = None
        self._look: AbortFlag | None = None  # the look in flight, if any
        self._look_state: dict[str, int] = {}  # touched by the query worker only
        self._outside = QTimer(self)
        self._outside.setInterval(EXTERNAL_CHECK_MS)
        self._outside.timeout.connect(self._look_outside)

    # -- reading ---------------------------------------------------------------
    def open(self, project: ProjectPaths) -> None:
        """Show `project`; files gone since the last visit are flagged after the first page."""
        self.project = project
        self._requested.clear()
        self._missing_timer.stop()
        self._check_after_load = True
        self._known_max_id = None
        self._look_state.clear()
        self.refresh(self.query)
        self.load_facets()
        # Right behind the first page on the query worker: what is there now is the
        # baseline, and anything added later is reported.
        self._look = None
        self._look_outside()
        self._outside.start()

    def refresh(self, query: MediaQuery | str | None = None) -> None:
        """Run `query` (a text replaces only the search text; None re-runs the current one).

        A new query starts again at its first page; re-running the current one
        reloads as many rows as were delivered, so the view keeps its place.
        """
        if isinstance(query, str):
            query = replace(self.query, text=query)
        if query is not None:
            self.query, self._delivered = query, 0
        rows = max(self.query.limit, self._delivered)
        if self.project is None:
            return
        self._generation += 1
        self.has_more, self._fetch = False, None
        for flag in self._queries:
            flag.set()  # queries still queued for an older state are skipped
        generation, current = self._generation, replace(self.query, limit=rows)
        self._queries = [
            self._query(
                lambda repo: run_query(repo, current), lambda r: self._loaded(generation, rows, r)
            )
        ]

    def fetch_more(self, offset: int, after: MediaItem | None = None) -> None:
        """Fetch the latest query's next page (on more_loaded): after its first `offset`
        rows, or right after `after`, the last row shown, where the order allows."""
        if not self.can_fetch_more():
            return
        generation, current = self._generation, replace(self.query, limit=PAGE_SIZE)
        self._fetch = self._query(
            lambda repo: run_query(repo, current, offset, after),
            lambda r: self._more(generation, r),
        )
        self._queries.append(self._fetch)

    def can_fetch_more(self) -> bool:
        """True when the latest query may have more rows and none are being fetched."""
        return self.project is not None and self.has_more and self._fetch is None

    def load_facets(self) -> None:
        if self.project is not None:
            self._query(load_facets, self.facets_loaded.emit)

    def request_thumbnail(self, path: str, size: QSize | None = None) -> None:
        """Decode `path` (scaled to fit `size` when given) once; answers on thumbnail_ready."""
        if path in self._requested or not Path(path).is_file():
            return
        self._requested.add(path)
        wanted = size or QSize()

        def shown(image: QImage | None) -> None:
            if image is not None:
                self.thumbnail_ready.emit(path, image)

        self._runners.media.start(
            lambda _abort, _progress: decode_picture(path, wanted),
            shown,
            receiver=self,
            priority=-1,  # behind imports and ingest: a thumbnail can wait a moment
            name="decode thumbnail",
        )

    def forget_thumbnail(self, path: str) -> None:
        self._requested.discard(path)

    def _look_outside(self) -> None:
        """Ask the query worker whether rows were added since the last look."""
        if self.project is None or self._look is not None:
            return
        known, state = self._known_max_id, self._look_state
        self._look = self._query(lambda repo: added_since(repo, known, state), self._looked)

    def _looked(self, answer: tuple[int, list[MediaItem]]) -> None:
        self._look = None
        newest, items = answer
        self._known_max_id = max(newest, self._known_max_id or 0)
        if items:
            self.items_appeared.emit(items)

    # -- writing ---------------------------------------------------------------
    def rename(self, media_id: int, name: str) -> None:
        self.write(lambda repo: [repo.rename(media_id, name)], self.changed)

    def set_tags(self, media_ids: Sequence[int], tags: Iterable[str]) -> None:
        ids, clean = list(media_ids), list(tags)
        self.write(lambda repo: [repo.set_tags(i, clean) for i in ids], self.changed)

    def set_rating(self, media_ids: Sequence[int], rating: int) -> None:
        ids = list(media_ids)
        self.write(lambda repo: [repo.set_rating(i, rating) for i in ids], self.changed)

    def set_favourite(self, media_ids: Sequence[int], favourite: bool) -> None:
        ids = list(media_ids)
        self.write(lambda repo: [repo.set_favourite(i, favourite) for i in ids], self.changed)

    def remove(self, media_ids: Sequence[int], *, delete_file: bool = False) -> None:
        """Forget items; with `delete_file` their files go to the OS trash."""
        ids = list(media_ids)

        def work(repo: Any) -> list[int]:
            for media_id in ids:
                repo.remove(media_id, delete_file=delete_file)
            return ids

        self.write(work, self._removed)

    def relink(self, folder: Path) -> None:
        """Look for missing files under `folder`; relinked rows come back on items_loaded."""
        self.write(lambda repo: repo.relink(Path(folder)), self._relinked)

    def check_missing(self) -> None:
        """Flag vanished files (and unflag returned ones), then re-query if anything may show.

        In a media worker, not the query worker: at a million items the stats and
        the integrity check of this first write connection take seconds, and the
        searches typed meanwhile must not wait behind them."""
        from qcut_ai.library.missing_files import check_project_files

        if (project := self.project) is not None:
            self._start(
                self._runners.media,
                lambda abort, _progress: check_project_files(project, abort),
                lambda changed: self.refresh() if changed else None,
                priority=-3,
            )

    def pending_tasks(self) -> int:
        """Queries, writes and imports asked for and not yet answered (thumbnails excluded).

        The file check waiting for its turn after a project opened counts too.
        """
        waiting = self._check_after_load or self._missing_timer.isActive()
        return len(self._aborts) + int(waiting and self.project is not None)

    def import_files(self, paths: Sequence[Path]) -> None:
        """Import files in place (probe, hash, poster) with progress; filmstrips follow."""
        self._imports.start(paths)

    def cancel_import(self) -> None:
        """Stop the running imports: files not started are skipped, those done are kept."""
        self._imports.cancel()

    def importing(self) -> bool:
        return self._imports.running()

    def shutdown(self) -> None:
        """Stop asking: timers stop, queued work is dropped, running imports asked to stop
        (the runners' owner waits for the workers)."""
        self._missing_timer.stop()
        self._outside.stop()
        self._check_after_load = False
        for flag in self._aborts:
            flag.set(shutdown=True)

    # -- for the services beside this one (bins, exports) -------------------------
    @property
    def runners(self) -> Runners:
        return self._runners

    def read(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None]) -> None:
        """Run `fn(repo)` on the query worker's kept connection (a project is open)."""
        if self.project is not None:
            self._query(fn, on_done)

    def write(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None]) -> None:
        """Run `fn(repo)` in order with the other writes; failures come on `failed`."""
        if self.project is None:
            self.failed.emit("Open a project before changing the library.")
            return
        self._start(self._runners.database, self._with_repo(fn), on_done)

    def changed(self, items: list[MediaItem]) -> None:
        """Items written here or elsewhere: shown updated, re-queried if a filter may hide them."""
        self.items_changed.emit(items)
        self.load_facets()
        if not self.query.is_default():
            self.refresh()  # the change may move the items in or out of the filtered view

    # -- plumbing --------------------------------------------------------------
    def _with_repo(self, fn: Callable[[Any], Any]) -> Work:
        project = self.project
        assert project is not None

        def work(_abort: Callable[[], bool], _progress: Progress) -> Any:
            from qcut_ai.library.project_db import project_database
            from qcut_ai.library.repository import MediaRepository

            with project_database(project) as db:
                return fn(MediaRepository(db, project.root))

        return work

    def _query(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None]) -> AbortFlag:
        """Run `fn(repo)` on the query worker's kept connection (a project is open)."""
        project, connection = self.project, self._connection
        assert project is not None

        def work(abort: Callable[[], bool], _progress: Progress) -> Any:
            if abort():
                return _SKIPPED
            return connection.run(project, fn)

        return self._start(self._runners.database, work, on_done)

    def _start(
        self, runner: TaskRunner, work: Work, on_done: Callable[[Any], None], priority: int = 0
    ) -> AbortFlag:
        abort = AbortFlag()
        self._aborts.add(abort)

        def run(task_abort: AbortFlag, progress: Callable[[Any], None]) -> Any:
            return work(AnyOf(abort, task_abort), lambda done, total: progress((done, total)))

        def finish(result: Any) -> None:
            self._forget(abort)
            if result is not _SKIPPED:
                on_done(result)

        runner.start(
            run,
            finish,
            lambda text: self._on_failed(abort, text),
            progress=lambda value: self.import_progress.emit(*value),
            receiver=self,
            priority=priority,
            name="library " + getattr(work, "__name__", "work"),
        )
        return abort

    def _on_failed(self, abort: AbortFlag, text: str) -> None:
        self._forget(abort)
        if abort is self._look:
            self._look = None  # a busy moment; the next look tries again, quietly
            return
        if not self._queries:
            self._check_after_load = False  # no first page is coming
        self.failed.emit(text)

    def _forget(self, abort: AbortFlag) -> None:
        self._aborts.discard(abort)
        if abort in self._queries:
            self._queries.remove(abort)
        if abort is self._fetch:
            self._fetch = None

    def _loaded(self, generation: int, asked: int, items: list[MediaItem]) -> None:
        if generation != self._generation:
            return
        self._delivered, self.has_more = len(items), len(items) >= asked
        self.items_loaded.emit(items)
        if self._check_after_load:
            self._check_after_load = False
            self._missing_timer.start()

    def _more(self, generation: int, items: list[MediaItem]) -> None:
        if generation != self._generation:
            return
        self._delivered += len(items)
        self.has_more = len(items) >= PAGE_SIZE
        self.more_loaded.emit(items)

    def _removed(self, ids: list[int]) -> None:
        self.items_removed.emit(ids)
        self.load_facets()

    def _relinked(self, result: Any) -> None:
        self.relinked.emit(result)
        self.refresh()
