"""Jobs of this project that another qcut-ai process is finishing, followed until they end.

When the window opens a project while a `qcut-ai resume` (or another window)
works on its jobs, it must neither run them a second time nor lose sight of
them. The watcher reads those jobs from the journal every few seconds, in a
worker: a job that ended is reported (and its clip added to the library), a
job whose owner stopped without finishing it is handed back to be run here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import JobRecord
from qcut_ai.core.project import ProjectPaths
from qcut_ai.jobs.tasks import TaskRunner

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem

POLL_MS = 2000


@dataclass(frozen=True)
class _Seen:
    record: JobRecord
    owned_elsewhere: bool
    media: MediaItem | None


def _read(project: ProjectPaths, job_ids: list[str]) -> list[_Seen]:
    from qcut_ai.engine.journal import JobJournal
    from qcut_ai.library.project_db import project_database
    from qcut_ai.library.repository import MediaRepository

    with project_database(project) as db:
        journal, repo = JobJournal(db), MediaRepository(db, project.root)
        seen = []
        for job_id in job_ids:
            try:
                record = journal.get(job_id)
            except KeyError:
                continue
            media = repo.get(record.media_id) if record.media_id is not None else None
            seen.append(_Seen(record, journal.owner_of(job_id) is not None, media))
        return seen


class ForeignJobWatcher(QObject):
    """Follows jobs owned by other processes.

    Signals:
        job_event(object): a JobEvent for a watched job that changed state
        media_added(object): the MediaItem of a watched job that finished
        orphaned(object): list[JobRecord] whose owner stopped: run them here
    """

    job_event = Signal(object)
    media_added = Signal(object)
    orphaned = Signal(object)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._project: ProjectPaths | None = None
        self._watched: dict[str, str] = {}  # job id -> last state reported
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def set_project(self, project: ProjectPaths | None) -> None:
        self._project = project
        self._watched.clear()
        self._timer.stop()

    def watch(self, job_id: str, state: str = "") -> None:
        self._watched.setdefault(job_id, state)
        if not self._timer.isActive():
            self._timer.start()

    def watching(self) -> list[str]:
        return list(self._watched)

    def stop(self) -> None:
        self._timer.stop()
        self._watched.clear()

    def _poll(self) -> None:
        project = self._project
        if project is None or not self._watched:
            self._timer.stop()
            return
        if self._busy:
            return  # the previous read has not answered yet
        self._busy = True
        ids = list(self._watched)
        self._runner.start(
            lambda _abort, _progress: _read(project, ids),
            lambda seen: self._seen(project, seen),
            self._failed,
            receiver=self,
            name="read jobs owned elsewhere",
        )

    def _failed(self, _text: str) -> None:
        self._busy = False  # a locked or busy database: try again next time

    def _seen(self, project: ProjectPaths, seen: list[_Seen]) -> None:
        self._busy = False
        if project != self._project:
            return
        orphans = []
        for entry in seen:
            record = entry.record
            if record.id not in self._watched:
                continue
            if record.state.value != self._watched[record.id]:
                self._watched[record.id] = record.state.value
                self.job_event.emit(
                    JobEvent(
                        record.id,
                        record.state,
                        record.model_name,
                        record.request_id,
                        error=record.error,
                    )
                )
            if record.state.terminal:
                del self._watched[record.id]
                if entry.media is not None:
                    self.media_added.emit(entry.media)
            elif not entry.owned_elsewhere:
                del self._watched[record.id]
                orphans.append(record)
        if orphans:
            self.orphaned.emit(orphans)
        if not self._watched:
            self._timer.stop()
