"""Offline preview runs the money checks of a real batch, at the real prices.

Nothing is paid in a preview, so a refusal there is news about the real run:
it keeps its type (an unknown price can still be confirmed) and says that fal
would refuse it, rather than that this rehearsal cost anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from qcut_ai.core.errors import BudgetError

REHEARSAL_PREFIX = "Offline preview (nothing is paid), but at fal this batch would be refused:"


@contextmanager
def rehearsed(preview: bool) -> Iterator[None]:
    """Reword a BudgetError raised inside as a rehearsal's when `preview`."""
    try:
        yield
    except BudgetError as exc:
        if preview and not exc.message.startswith(REHEARSAL_PREFIX):
            exc.message = f"{REHEARSAL_PREFIX} {exc.message}"
            exc.args = (exc.message,)
        raise
