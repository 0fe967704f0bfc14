"""The library's folder imports: started, cancelled and followed by their filmstrips.

`LibraryService` delegates its import_files / cancel_import / importing here and
keeps the signals (import_progress, import_finished, items_changed) callers
connect to. The import runs on the media runner; the files are described in
worker processes (`qcut_ai.library.describe_pool`), which an abort (Cancel,
or the service shutting down) stops with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcut_ai.core.events import AbortFlag
from qcut_ai.core.project import ProjectPaths
from qcut_ai.jobs.library_queries import ImportOutcome, import_media
from qcut_ai.jobs.tasks import TaskRunner

if TYPE_CHECKING:
    from qcut_ai.core.media import MediaItem
    from qcut_ai.jobs.library_service import LibraryService

Progress = Callable[[int, int], None]
Work = Callable[[Callable[[], bool], Progress], Any]
Start = Callable[[TaskRunner, Work, Callable[[Any], None], int], AbortFlag]


class FolderImports:
    """The imports of one LibraryService: `start` runs the service's work helper,
    `pending` says whether one of its tasks is still unanswered."""

    def __init__(
        self, service: LibraryService, start: Start, pending: Callable[[AbortFlag], bool]
    ) -> None:
        self._service = service
        self._start_task = start
        self._pending = pending
        self._flags: set[AbortFlag] = set()  # imports and their filmstrips

    def start(self, paths: Sequence[Path]) -> None:
        """Import files in place (probe, hash, poster) with progress; filmstrips follow."""
        service = self._service
        if service.project is None:
            service.failed.emit("Open a project before importing files.")
            return
        project, thumbs, dropped = service.project, service.thumbnail_dir, [Path(p) for p in paths]

        def work(abort: Callable[[], bool], progress: Progress) -> ImportOutcome:
            return import_media(project, thumbs, dropped, abort, progress)

        self._run(work, self._imported, priority=0)

    def cancel(self) -> None:
        """Stop the running imports: files not started are skipped, those done are kept."""
        for flag in self._flags:
            flag.set()

    def running(self) -> bool:
        self._flags = {flag for flag in self._flags if self._pending(flag)}
        return bool(self._flags)

    def _run(self, work: Work, on_done: Callable[[Any], None], *, priority: int) -> None:
        self._flags = {flag for flag in self._flags if self._pending(flag)}
        self._flags.add(self._start_task(self._service.runners.media, work, on_done, priority))

    def _imported(self, outcome: ImportOutcome) -> None:
        service = self._service
        service.import_finished.emit(outcome)
        service.load_facets()
        service.refresh()
        if outcome.items and service.project is not None:
            self._start_filmstrips(service.project, outcome.items)

    def _start_filmstrips(self, project: ProjectPaths, items: list[MediaItem]) -> None:
        """Filmstrips of the imported videos, after their rows: the clips are usable meanwhile."""
        thumbs = self._service.thumbnail_dir

        def work(abort: Callable[[], bool], _progress: Progress) -> list[MediaItem]:
            from qcut_ai.library.bulk_import import make_filmstrips

            return make_filmstrips(project, thumbs, items, abort)

        def done(changed: list[MediaItem]) -> None:
            if changed:
                self._service.items_changed.emit(changed)

        # Behind thumbnails of the screen (priority -1 there), like the rest of an import.
        self._run(work, done, priority=-2)
