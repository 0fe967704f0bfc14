"""Reading the project's recent generations for History."""

from __future__ import annotations

from qcut_ai.core.batches import RECENT_JOBS, HistoryBatch, group_batches
from qcut_ai.core.project import ProjectPaths


def load_history(project: ProjectPaths) -> list[HistoryBatch]:
    """The project's recent batches; a project never generated in has none (no file is made)."""
    if not project.database.exists():
        return []
    from qcut_ai.engine.journal import JobJournal
    from qcut_ai.library.project_db import project_database

    with project_database(project) as db:
        records = JobJournal(db).recent(limit=RECENT_JOBS)
    return group_batches(records)
