"""What the panel's spend summary shows (computed by qcut_ai.engine.spend)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class SpendTotals:
    """The numbers of the panel's spend summary, in dollars.

    Today's figures are the user's UTC day across every project; the
    project's are all-time. Pending is reserved for jobs still in flight;
    `pending` counts each such job of either scope once.
    """

    today_spent: Decimal
    today_pending: Decimal
    project_spent: Decimal
    project_pending: Decimal
    pending: Decimal
