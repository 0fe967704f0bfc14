"""Reading the project's recent generations for History."""

from __future__ import annotations

from qcut_ai.core.history import RECENT_JOBS, HistoryBatch, group_batches
from qcut_ai.core.project import ProjectPaths


def load_history(project: ProjectPaths) -> list[HistoryBatch]:
    """The project's recent batches; a project never generated in has none (no file is made)."""
    if not project.database.exists():
        return []
    from qcut_ai.engine.journal import JobJournal
    from qcut_ai.library.project_db import open_project_db

    db = open_project_db(project)
    try:
        records = JobJournal(db).recent(limit=RECENT_JOBS)
    finally:
        db.close()
    return group_batches(records)
