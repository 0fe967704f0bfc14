"""FalCheckView: our estimates beside fal's billed cost, per UTC day and model.

Shows a `Reconciliation` (read by `jobs.spend_reads.check_with_fal` in a
worker): one head sentence with the totals and when fal was asked, a table
(day, model, jobs, ours, fal, difference, jobs fal did not bill), and one
sentence per flagged day. Flagged rows are marked so they stand out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.pricing import format_usd

if TYPE_CHECKING:
    from qcut_ai.jobs.spend_reads import Reconciliation

COLUMNS = ("Day (UTC)", "Model", "Jobs", "Ours", "fal", "Difference", "Not billed by fal")
_FLAG_BRUSH = QBrush(QColor(255, 170, 60, 70))


def _usd(value: Decimal) -> str:
    return f"${format_usd(value)}"


def _signed(value: Decimal) -> str:
    sign = "-" if value < 0 else ("+" if value > 0 else "")
    return f"{sign}${format_usd(abs(value))}"


def head_text(result: Reconciliation) -> str:
    """ "fal billed $0.712, we estimated $0.59 (+$0.122) · 3 Dec–3 Dec · asked 05:58 UTC"."""
    diff = result.fal_usd - result.ours_usd
    text = (
        f"fal billed {_usd(result.fal_usd)}, we estimated {_usd(result.ours_usd)} "
        f"({_signed(diff)}) from {result.since.isoformat()} to {result.until.isoformat()}"
    )
    when = result.fetched_at.replace("T", " ").replace("+00:00", " UTC")
    return text + (f" · as fal said at {when}" if result.from_cache else f" · asked at {when}")


class FalCheckView(QFrame):
    """The result of "Check with fal"; hidden until there is one.

    Signals:
        closed(): the user closed the view
    """

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("falCheck")
        self.setAccessibleName("Spend checked with fal")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.head = QLabel(self)
        self.head.setObjectName("falCheckHead")
        self.head.setWordWrap(True)
        close = QToolButton(self)
        close.setText("Close")
        close.setAccessibleName("Close the check with fal")
        close.clicked.connect(self._close)
        top = QHBoxLayout()
        top.addWidget(self.head, 1)
        top.addWidget(close)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("falCheckTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.flags = QLabel(self)
        self.flags.setObjectName("falCheckFlags")
        self.flags.setWordWrap(True)
        self.flags.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(self.flags)
        self.hide()

    def show_result(self, result: Reconciliation) -> None:
        self.head.setText(head_text(result))
        self.table.show()
        self.table.setRowCount(len(result.lines))
        for row, line in enumerate(result.lines):
            fal = _usd(line.fal_usd) if line.fal_usd is not None else "–"
            unbilled = ", ".join(job[:8] for job in line.not_billed) or "–"
            cells = (
                line.day,
                line.model_name,
                str(line.jobs),
                _usd(line.ours_usd),
                fal,
                _signed(line.difference_usd),
                unbilled,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 2 <= column <= 5:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if line.flag:
                    item.setBackground(_FLAG_BRUSH)
                    item.setToolTip(line.flag)
                self.table.setItem(row, column, item)
        # As tall as its rows (up to eight), so the panel below keeps its room.
        shown = min(len(result.lines), 8)
        rows = sum(self.table.rowHeight(r) for r in range(shown))
        frame = 2 * self.table.frameWidth()
        self.table.setFixedHeight(self.table.horizontalHeader().height() + rows + frame + 2)
        sentences = [f"⚠ {line.day} {line.model_name}: {line.flag}" for line in result.flagged]
        if not result.lines:
            sentences = ["No paid jobs in the ledger for these days."]
        elif not sentences:
            sentences = ["Every day is within 5 % and $0.50 of fal's numbers."]
        if result.note:
            sentences.insert(0, result.note)
        if any(line.not_billed for line in result.lines):
            sentences.append("Not billed: jobs that failed or were cancelled; fal bills them $0.")
        self.flags.setText("\n".join(sentences))
        self.show()

    def show_message(self, text: str) -> None:
        """fal could not be asked (and nothing was kept from before): one sentence, no table."""
        self.head.setText("Spend could not be checked with fal.")
        self.table.setRowCount(0)
        self.table.hide()
        self.flags.setText(text)
        self.show()

    def _close(self) -> None:
        self.hide()
        self.closed.emit()
