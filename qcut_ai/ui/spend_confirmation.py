"""Asking before money is spent: above the confirmation threshold, at an unknown price, or
at a price fal changed since our table was made (core.pricing.why_confirm).

Offline preview asks the same question at the same prices, worded as a rehearsal ("would
cost at fal"), so what a real batch will ask is learned for free.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from qcut_ai.core.pricing import why_confirm
from qcut_ai.core.selection import SelectionPlan

# (parent, question) -> the user's yes; hosts and tests may answer instead of a dialog.
SpendQuestion = Callable[[QWidget, str], bool]

REHEARSAL_NOTE = "Offline preview: nothing is paid."


def ask_spending(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, "Confirm spending", question)
    return answer == QMessageBox.StandardButton.Yes


def spending_question(plan: SelectionPlan, threshold_usd: float, *, offline: bool) -> str:
    """The question to ask before this batch goes, or "" when it may go unasked."""
    moved = [spec.name for spec in plan.specs if spec.needs_price_confirmation]
    question = why_confirm(plan.estimates, threshold_usd, price_moved=moved, rehearsal=offline)
    if not question:
        return ""
    return f"{REHEARSAL_NOTE} {question} Generate?" if offline else f"{question} Generate?"


def confirm_spending(
    parent: QWidget,
    plan: SelectionPlan,
    threshold_usd: float,
    *,
    offline: bool,
    ask: SpendQuestion | None = None,
) -> bool:
    """True when the batch may go: nothing to ask, or the user said yes."""
    question = spending_question(plan, threshold_usd, offline=offline)
    if not question:
        return True
    return (ask or ask_spending)(parent, question)
