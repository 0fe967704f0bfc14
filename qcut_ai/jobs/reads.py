"""What views read from a project, as plain functions (and kept reads) for a worker.

Views never import the engine or the library: they start these on a task
runner (the database one for journal and ledger reads, the media one for
probes) and take the answer on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.spend_totals import SpendTotals

if TYPE_CHECKING:
    from qcut_ai.core.media import ProbeInfo
    from qcut_ai.core.templates import TemplateLibrary

    # Named in annotations only; the engine loads in the worker that reads the journal.
    from qcut_ai.engine.history import HistoryPage as HistoryPage


class KeptReads:
    """History pages and spend totals read on connections kept open between reads.

    The views read these after every finished job; opening the project database
    for each read cost more than the read (see engine.kept_connections). One
    instance belongs to one view and is used on its runner's one thread (the
    database runner's, which never expires); `close` runs there at shutdown.
    """

    def __init__(self) -> None:
        self._kept: Any = None  # the engine's KeptConnections, built in the worker

    def _connections(self) -> Any:
        if self._kept is None:
            from qcut_ai.engine.kept_connections import KeptConnections

            self._kept = KeptConnections()
        return self._kept

    def history_page(
        self,
        project: ProjectPaths,
        *,
        limit: int,
        before: str | None = None,
        shown: Collection[str] = (),
    ) -> HistoryPage:
        """`limit` batches older than `before` (None: the newest), without those `shown`."""
        from qcut_ai.engine.history import load_history_page as load

        return load(project, limit=limit, before=before, shown=shown, kept=self._connections())

    def spend_totals(self, project: ProjectPaths | None) -> SpendTotals:
        """Today's spend across every project and this project's, with what is pending."""
        from qcut_ai.engine.spend import spend_totals as totals

        return totals(project, self._connections())

    def close(self) -> None:
        if self._kept is not None:
            self._kept.close()


def probe_media(path: str) -> ProbeInfo:
    """A media file's kind, size, length and rate (no hash)."""
    from qcut_ai.library.probe import probe

    return probe(Path(path), with_hash=False)


def template_store() -> TemplateLibrary:
    """The user's saved prompt templates (a small JSON file in the config folder)."""
    from qcut_ai.services.template_store import TemplateStore

    return TemplateStore()
