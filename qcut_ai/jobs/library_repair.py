"""Noticing a project whose library was lost, and rebuilding it from its clips, in workers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qcut_ai.core.project import ProjectPaths
from qcut_ai.jobs.tasks import Runners


@dataclass(frozen=True)
class LibraryCheck:
    """What opening a project found: the database's state, generated clips, items."""

    state: str  # "missing" | "empty" | "damaged" | "healthy"
    clips: int
    items: int

    @property
    def rebuild_offered(self) -> bool:
        if self.state == "missing":
            return False
        return self.state != "healthy" or (self.items == 0 and self.clips > 0)


def check_library(
    runners: Runners,
    project: ProjectPaths,
    done: Callable[[LibraryCheck], None],
    failed: Callable[[str], None],
) -> None:
    """Whether the project's library should be offered a rebuild (checked in a worker)."""

    def work(abort: Callable[[], bool], _progress: object) -> LibraryCheck:
        from qcut_ai.library.project_db import project_database, sidecars_in
        from qcut_ai.library.rebuild import database_state
        from qcut_ai.library.repository import MediaRepository

        state, clips = database_state(project, abort), sidecars_in(project)
        if state != "healthy":
            return LibraryCheck(state, clips, 0)
        with project_database(project, abort=abort) as db:
            return LibraryCheck(state, clips, MediaRepository(db, project.root).count())

    runners.database.start(work, done, failed, name="check library")


def rebuild_library(
    runners: Runners,
    project: ProjectPaths,
    thumbs: Path,
    force: bool,
    done: Callable[[int], None],
    failed: Callable[[str], None],
) -> None:
    """Rebuild the project's library from its media folder's provenance, in a worker."""

    def work(_abort: object, _progress: object) -> int:
        from qcut_ai.library.rebuild import rebuild_library as rebuild

        return rebuild(project, thumbs, force=force).restored

    runners.media.start(work, done, failed, name="rebuild library")
