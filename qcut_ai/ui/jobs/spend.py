"""SpendSummary: one line saying what generation has cost today and in this project."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from qcut_ai.core.pricing import format_usd
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.spend_totals import SpendTotals
from qcut_ai.jobs.reads import spend_totals
from qcut_ai.jobs.tasks import TaskRunner, default_runners

_TOOLTIP = (
    "Estimated from each model's published price. fal bills only successful outputs: "
    "failed and cancelled jobs cost $0. Pending is reserved for jobs still running. "
    "Today is the UTC day, across all your projects."
)


def _usd(value: Decimal) -> str:
    return f"${format_usd(value)}"


def summary_text(totals: SpendTotals, *, with_project: bool) -> str:
    """ "Spent today $1.20 · this project $3.40 (pending $0.40)"."""
    text = f"Spent today {_usd(totals.today_spent)}"
    if with_project:
        text += f" · this project {_usd(totals.project_spent)}"
    if totals.pending:
        text += f" (pending {_usd(totals.pending)})"
    return text


class SpendSummary(QWidget):
    """Shows spend today (all projects, UTC day) and in the open project.

    The ledger is read in a worker; call `refresh()` after a job finishes.

    Signals:
        refreshed(object): the SpendTotals now shown
        failed(str): one sentence when the ledger could not be read
    """

    refreshed = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spendSummary")
        self.setAccessibleName("Spend summary")
        self.project: ProjectPaths | None = None
        self.totals: SpendTotals | None = None
        self._runner = runner or default_runners().database
        self.label = QLabel("Spent today …", self)
        self.label.setObjectName("spendSummaryText")
        self.label.setToolTip(_TOOLTIP)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)

    def set_project(self, project: ProjectPaths | None) -> None:
        self.project = project
        self.refresh()

    def refresh(self) -> None:
        """Read the ledgers off the GUI thread; a newer refresh supersedes older ones."""
        project = self.project
        self._runner.start(
            lambda _abort, _progress: spend_totals(project),
            self._on_loaded,
            self._on_failed,
            key=("spend", id(self)),
            receiver=self,
            name="spend totals",
        )

    def _on_loaded(self, totals: SpendTotals) -> None:
        self.totals = totals
        self.label.setText(summary_text(totals, with_project=self.project is not None))
        self.label.setToolTip(_TOOLTIP)
        self.refreshed.emit(totals)

    def _on_failed(self, text: str) -> None:
        self.totals = None
        self.label.setText("Spend could not be read")
        self.label.setToolTip(text)
        self.failed.emit(text)

    def shutdown(self) -> None:
        """Drop a read in progress (the runner's owner waits for it)."""
        self._runner.cancel(("spend", id(self)))
