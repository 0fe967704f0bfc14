"""Asking before money is spent: above the confirmation threshold, at an unknown price, or
at a price fal changed since our table was made (core.pricing.why_confirm)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from qcut_ai.core.pricing import why_confirm
from qcut_ai.core.selection import SelectionPlan


def confirm_spending(
    parent: QWidget, plan: SelectionPlan, threshold_usd: float, *, offline: bool
) -> bool:
    """True when the batch may go: nothing to ask, or the user said yes."""
    if offline:
        return True
    moved = [spec.name for spec in plan.specs if spec.needs_price_confirmation]
    question = why_confirm(plan.estimates, threshold_usd, price_moved=moved)
    if not question:
        return True
    answer = QMessageBox.question(parent, "Confirm spending", f"{question} Generate?")
    return answer == QMessageBox.StandardButton.Yes
