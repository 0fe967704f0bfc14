"""Reading the project's generations for History, one page of batches at a time.

A page is the newest batches before a point in the journal, found by walking
the `jobs_created_batch` index backwards and stopping after the page, so a
page costs the same in a journal of a hundred jobs as in one of a million.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qcut_ai.core.batches import HISTORY_PAGE, HistoryBatch, group_batches
from qcut_ai.core.job_state import JobRecord
from qcut_ai.core.project import ProjectPaths

if TYPE_CHECKING:
    from qcut_ai.engine.kept_connections import KeptConnections


@dataclass(frozen=True)
class HistoryPage:
    """Batches newest first; `cursor` is where the next (older) page starts, None at the
    journal's start. Ask for it with the ids of every batch shown so far."""

    batches: list[HistoryBatch]
    cursor: str | None


def load_history_page(
    project: ProjectPaths,
    *,
    limit: int = HISTORY_PAGE,
    before: str | None = None,
    shown: Collection[str] = (),
    kept: KeptConnections | None = None,
) -> HistoryPage:
    """One page of batches; a project never generated in has none (no file is made).
    With `kept`, read on its connection to the project (see engine.kept_connections)."""
    if not project.database.exists():
        if kept is not None:
            kept.forget(project.database)
        return HistoryPage([], None)
    from qcut_ai.engine.journal import JobJournal, ensure_journal

    def page(journal: JobJournal) -> tuple[list[JobRecord], str | None]:
        return journal.batch_page(limit=limit, before=before, skip=shown)

    if kept is not None:
        records, cursor = kept.read(
            project.database, ensure_journal, lambda db: page(JobJournal(db, migrate=False))
        )
    else:
        from qcut_ai.library.project_db import project_database

        with project_database(project) as db:
            records, cursor = page(JobJournal(db))
    return HistoryPage(group_batches(records, limit=limit), cursor)


def load_history(project: ProjectPaths, *, limit: int = HISTORY_PAGE) -> list[HistoryBatch]:
    """The project's newest batches (the first page)."""
    return load_history_page(project, limit=limit).batches
