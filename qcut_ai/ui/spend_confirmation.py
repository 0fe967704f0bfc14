"""Asking before money is spent: above the confirmation threshold, or at an unknown price."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from qcut_ai.core.pricing import batch_total, needs_confirmation
from qcut_ai.core.selection import SelectionPlan


def confirm_spending(
    parent: QWidget, plan: SelectionPlan, threshold_usd: float, *, offline: bool
) -> bool:
    """True when the batch may go: it costs nothing, stays under the threshold with known
    prices, or the user said yes."""
    if offline or not needs_confirmation(plan.estimates, threshold_usd):
        return True
    known, unknown = batch_total(plan.estimates)
    answer = QMessageBox.question(
        parent,
        "Confirm spending",
        f"This batch costs an estimated ${known:.2f}"
        + (f" plus {unknown} model(s) of unknown price" if unknown else "")
        + ". Generate?",
    )
    return answer == QMessageBox.StandardButton.Yes
