"""CompareLauncher: opens compare views for the panel and carries out what they ask.

Reads and writes run on the database runner (qcut_ai.jobs.comparison_tasks);
a view of a running batch is read again each time one of its jobs ends, so
its cells fill in as the results arrive. Regenerating goes through the
panel's own launch path (`MediaPanel.generate`), as History's "Run again" does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from qcut_ai.core.comparison import Comparison, takes_problem
from qcut_ai.core.job_state import JobRecord
from qcut_ai.jobs import comparison_tasks as tasks

if TYPE_CHECKING:
    from qcut_ai.core.media import MediaItem
    from qcut_ai.core.requests import GenerationRequest
    from qcut_ai.ui.compare.view import CompareView
    from qcut_ai.ui.media_panel import MediaPanel


class CompareLauncher(QObject):
    """One per panel: the open compare windows, by batch (or by comparison id)."""

    def __init__(self, panel: MediaPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.runner = panel.services.runners.database
        self.views: dict[str, CompareView] = {}
        panel.jobs.job_finished.connect(self._on_job_finished)
        panel.job_list.compare_requested.connect(self.open_job_batch)
        panel.history.compare_requested.connect(self.open_batch)
        panel.library_panel.library_actions.compare_requested.connect(self.open_clips)

    # -- opening ------------------------------------------------------------------------
    def open_batch(self, batch_id: str) -> None:
        """Compare a batch's takes (from History, or again after a job ended)."""
        self._read(lambda p: tasks.compare_batch(p, batch_id), f"batch {batch_id}")

    def _refresh_batch(self, batch_id: str) -> None:
        # A job ended: the view fills in where it is, without taking the focus.
        self._read(lambda p: tasks.compare_batch(p, batch_id), f"batch {batch_id}", forward=False)

    def open_job_batch(self, job_id: str) -> None:
        """Compare the batch of the job chosen in the job list."""
        self._read(lambda p: tasks.compare_job_batch(p, job_id), f"job {job_id}")

    def open_clips(self, items: Sequence[MediaItem]) -> None:
        """Compare 2-6 library clips."""
        problem = takes_problem(len(items))
        if problem:
            self.panel.error_reported.emit(problem)
            return
        ids = [i.id for i in items]
        self._read(lambda p: tasks.compare_clips(p, ids), "clips")

    def view_for(self, batch_id: str) -> CompareView | None:
        return self.views.get(batch_id)

    def _read(self, fn: Callable[[Any], Comparison], name: str, *, forward: bool = True) -> None:
        project = self.panel.project
        if project is None:
            self.panel.error_reported.emit("Open a project before comparing takes.")
            return
        self.runner.start(
            lambda _abort, _progress: fn(project),
            lambda comparison: self._show(comparison, forward),
            self.panel.error_reported.emit,
            receiver=self,
            name=f"compare {name}",
        )

    def _show(self, comparison: Comparison, forward: bool) -> None:
        key = comparison.batch_id or f"comparison {comparison.comparison_id}"
        view = self.views.get(key)
        if view is None:
            from qcut_ai.ui.compare.view import CompareView  # with the first compare window

            view = CompareView(comparison, self.panel)
            view.setWindowFlag(Qt.WindowType.Window)
            view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            view.resize(960, 640)
            view.pick_requested.connect(lambda media_id, v=view: self._pick(v, media_id))
            view.regenerate_requested.connect(self._regenerate)
            view.closed.connect(lambda k=key: self.views.pop(k, None))
            self.views[key] = view
            view.show()
            view.setFocus()
            return
        view.show_comparison(comparison)
        if forward:  # asked for again: bring the open window to the front
            view.raise_()
            view.activateWindow()

    # -- a batch's jobs ending -------------------------------------------------------------
    def _on_job_finished(self, record: JobRecord) -> None:
        if record.batch_id in self.views:
            self._refresh_batch(record.batch_id)

    # -- what the views ask -----------------------------------------------------------------
    def _pick(self, view: CompareView, media_id: int) -> None:
        project = self.panel.project
        comparison = view.comparison
        if project is None:
            return

        def picked(items: list[MediaItem]) -> None:
            for item in items:
                self.panel.library_panel.update_item(item)
            take = comparison.take_of(media_id)
            view.say(f"Picked {take.model_name if take else 'the take'}.")
            view.show_comparison(_with_winner(comparison, media_id, items))

        self.runner.start(
            lambda _abort, _progress: tasks.pick_winner(project, comparison, media_id),
            picked,
            view.say,
            receiver=view,
            name="pick winner",
        )

    def _regenerate(self, model_ids: list[str], request: GenerationRequest) -> None:
        from qcut_ai.core.catalog import load_catalog  # loaded after the first paint

        catalog = load_catalog()
        self.panel.generate([catalog.get(m) for m in model_ids], request)

    def shutdown(self) -> None:
        for view in list(self.views.values()):
            view.close()


def _with_winner(comparison: Comparison, winner_id: int, items: list[MediaItem]) -> Comparison:
    """The comparison with its pick and the clips as the library now holds them."""
    from dataclasses import replace

    fresh = {i.id: i for i in items}
    takes = tuple(
        replace(t, item=fresh.get(t.item.id, t.item)) if t.item is not None else t
        for t in comparison.takes
    )
    return replace(comparison, takes=takes, winner_id=winner_id)
