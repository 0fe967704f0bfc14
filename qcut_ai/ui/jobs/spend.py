"""SpendSummary: one line saying what generation has cost today and in this project,
the credit left at fal beside it (when the key may read it), and "Check with fal"."""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.spend_totals import SpendTotals
from qcut_ai.jobs.reads import KeptReads
from qcut_ai.jobs.spend_reads import check_with_fal, read_balance
from qcut_ai.jobs.tasks import TaskRunner, default_runners

if TYPE_CHECKING:
    from qcut_ai.jobs.spend_reads import BalanceRead, Reconciliation
    from qcut_ai.ui.jobs.spend_check import FalCheckView

log = logging.getLogger(__name__)

_TOOLTIP = (
    "Estimated from each model's published price. fal bills only successful outputs: "
    "failed and cancelled jobs cost $0. Pending is reserved for jobs still running. "
    "Today is the UTC day, across all your projects."
)


def _usd(value: Decimal) -> str:
    from qcut_ai.core.pricing import format_usd  # with the catalogue, after the first paint

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
        failed(str): one sentence when the ledger (or fal, for a check) could not be read
        balance_read(object): each BalanceRead (credit None when unknown)
        said(str): the once-only sentence that this key cannot read the credit
        checked(object): the Reconciliation "Check with fal" shows
    """

    refreshed = Signal(object)
    failed = Signal(str)
    balance_read = Signal(object)
    said = Signal(str)
    checked = Signal(object)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        network: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("spendSummary")
        self.setAccessibleName("Spend summary")
        self.project: ProjectPaths | None = None
        self.totals: SpendTotals | None = None
        self._runner = runner or default_runners().database
        # Read after every finished job: on connections kept on the runner's thread.
        self._reads = KeptReads()
        self._runner.at_shutdown(self._reads.close)
        self._network = network or default_runners().network
        self._connection: Callable[[], Any] | None = None
        self.balance: Decimal | None = None
        self._said_unreadable = False  # the key can't read the credit: said once
        self.label = QLabel("Spent today …", self)
        self.label.setObjectName("spendSummaryText")
        self.label.setWordWrap(True)  # a narrow dock wraps it rather than cutting it
        self.label.setToolTip(_TOOLTIP)
        self.credit = QLabel(self)
        self.credit.setObjectName("spendCredit")
        self.credit.setWordWrap(True)
        self.credit.hide()
        self.check_button = QPushButton("Check with fal", self)
        self.check_button.setObjectName("spendCheckWithFal")
        self.check_button.setToolTip(
            "Compare these estimates with what fal billed, per day and model "
            "(reads fal's usage; needs an admin key)."
        )
        self.check_button.clicked.connect(self.check_with_fal)
        self.check_button.setEnabled(False)
        self._check_view: FalCheckView | None = None  # built when first shown
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.credit)
        row.addWidget(self.check_button)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addLayout(row)

    @property
    def check_view(self) -> FalCheckView:
        """The comparison with fal, built the first time it is needed (its table is
        among the costliest widgets of the panel, and hidden until a check)."""
        if self._check_view is None:
            from qcut_ai.ui.jobs.spend_check import FalCheckView

            self._check_view = FalCheckView(self)
            self._layout.addWidget(self._check_view)
        return self._check_view

    def set_project(self, project: ProjectPaths | None) -> None:
        self.project = project
        self.refresh()

    def refresh(self) -> None:
        """Read the ledgers off the GUI thread; a newer refresh supersedes older ones."""
        project, reads = self.project, self._reads
        self._runner.start(
            lambda _abort, _progress: reads.spend_totals(project),
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

    # -- fal's own numbers (network runner) ---------------------------------------------

    def attach(self, connection: Callable[[], Any]) -> None:
        """Where fal is: a workers-only factory of the panel's connection. The credit is
        read once a batch starts (the connection exists then), not on every panel."""
        self._connection = connection
        self.check_button.setEnabled(True)

    def job_finished(self, record: Any) -> None:
        """A job ended: new totals and credit; a 422 "account in good standing" (an
        AccountError) asks fal again even for a key that could not read it before."""
        self.refresh()
        self.refresh_balance(force=getattr(record, "error_kind", None) == "AccountError")

    def refresh_balance(self, *, force: bool = False) -> None:
        connection = self._connection
        if connection is None:
            return
        self._network.start(
            lambda _abort, _progress: read_balance(connection, force=force),
            self._on_balance,
            lambda text: log.info("spend: credit not read: %s", text),
            key=("spend-balance", id(self)),
            receiver=self,
            name="fal credit",
        )

    def _on_balance(self, read: BalanceRead) -> None:
        self.balance = read.usd
        if read.usd is not None:
            self.credit.setText(f"· credit left at fal {_usd(read.usd)}")
            self.credit.setToolTip("What fal says is left on the account (its billing page).")
            self.credit.show()
        elif read.unreadable and not self._said_unreadable:
            self._said_unreadable = True
            self.credit.setText(f"· {read.note}")
            self.credit.setToolTip(read.note)
            self.credit.show()
            self.said.emit(read.note)
        elif read.unreadable:
            self.credit.hide()  # said once already; spend goes on without it
        if read.usd is not None:
            self._said_unreadable = False
        self.balance_read.emit(read)

    def check_with_fal(self) -> None:
        """Compare the ledgers with fal's usage in a worker; the view shows the answer."""
        connection = self._connection
        if connection is None:
            return
        project = self.project
        self.check_button.setEnabled(False)
        self.check_button.setText("Checking with fal …")
        self._network.start(
            lambda _abort, _progress: check_with_fal(project, connection),
            self._on_checked,
            self._on_check_failed,
            key=("spend-check", id(self)),
            receiver=self,
            name="check spend with fal",
        )

    def _checked_done(self) -> None:
        self.check_button.setEnabled(True)
        self.check_button.setText("Check with fal")

    def _on_checked(self, result: Reconciliation) -> None:
        self._checked_done()
        self.check_view.show_result(result)
        self.checked.emit(result)

    def _on_check_failed(self, text: str) -> None:
        self._checked_done()
        self.check_view.show_message(text)
        self.failed.emit(text)

    def shutdown(self) -> None:
        """Drop a read in progress (the runner's owner waits for it)."""
        self._runner.cancel(("spend", id(self)))
        self._network.cancel(("spend-balance", id(self)))
        self._network.cancel(("spend-check", id(self)))
