"""What views read from a project, as plain functions for a worker.

Views never import the engine or the library: they start these on a task
runner (the database one for journal and ledger reads, the media one for
probes) and take the answer on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from qcut_ai.core.batches import HistoryBatch
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.spend_totals import SpendTotals

if TYPE_CHECKING:
    from qcut_ai.core.media import ProbeInfo
    from qcut_ai.core.templates import TemplateLibrary

    # Named in annotations only; the engine loads in the worker that reads the journal.
    from qcut_ai.engine.history import HistoryPage as HistoryPage


def load_history(project: ProjectPaths) -> list[HistoryBatch]:
    """The project's newest batches, newest first (none for a project never generated in)."""
    from qcut_ai.engine.history import load_history as load

    return load(project)


def load_history_page(
    project: ProjectPaths, *, limit: int, before: str | None = None, shown: Collection[str] = ()
) -> HistoryPage:
    """`limit` batches older than `before` (None: the newest), without those `shown`."""
    from qcut_ai.engine.history import load_history_page as load

    return load(project, limit=limit, before=before, shown=shown)


def spend_totals(project: ProjectPaths | None) -> SpendTotals:
    """Today's spend across every project and this project's, with what is pending."""
    from qcut_ai.engine.spend import spend_totals as totals

    return totals(project)


def probe_media(path: str) -> ProbeInfo:
    """A media file's kind, size, length and rate (no hash)."""
    from qcut_ai.library.probe import probe

    return probe(Path(path), with_hash=False)


def template_store() -> TemplateLibrary:
    """The user's saved prompt templates (a small JSON file in the config folder)."""
    from qcut_ai.services.template_store import TemplateStore

    return TemplateStore()
