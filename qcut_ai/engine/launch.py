"""Starting a batch: the money path, written once for the CLI, the panel and the sample.

`launch_batch` runs, in this order and before anything is sent to fal:
1. the budgets (daily across projects, per project, each model's daily cap)
   and the credit left at fal (when `balance` can read it), then the caller's
   `confirm` (the command line's confirmation threshold; the panel asks before).
   An offline preview costs nothing but rehearses the budgets, caps and
   confirmation at the real prices: a refusal says that fal would refuse it
   (`engine.rehearsal_checks`); its credit is not read;
2. the project is listed for the daily budget (for real batches only: a
   preview costs nothing, so its project need not be read for budgets);
3. the jobs are journaled on one connection, claimed by this process (see
   qcut_ai.library.leases) so no other process's resume takes them first.
A preview batch is marked by its backend alone (`offline:…`), which the
ledger reads as $0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from qcut_ai.core.job_state import JobRecord
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.settings import Settings
from qcut_ai.engine.batch import PlannedJob, journal_batch
from qcut_ai.engine.journal import JobJournal
from qcut_ai.engine.rehearsal_checks import rehearsed
from qcut_ai.engine.resume import OFFLINE_PREFIX
from qcut_ai.engine.spend import check_budget, record_project
from qcut_ai.engine.spend_ledger import ensure_ledger
from qcut_ai.library.project_db import project_database


def is_preview(backend: str | None) -> bool:
    """True for an offline preview session's backend (its jobs cost nothing)."""
    return bool(backend) and str(backend).startswith(OFFLINE_PREFIX)


def launch_batch(
    project: ProjectPaths,
    planned: Sequence[PlannedJob],
    request: GenerationRequest,
    *,
    settings: Settings,
    backend: str,
    unknown_confirmed: bool = False,
    confirm: Callable[[Sequence[PlannedJob]], None] | None = None,
    balance: Callable[[], Decimal | None] | None = None,
) -> list[JobRecord]:
    """Check budgets, list the project and journal the batch; the journaled jobs, in order.

    Raises BudgetError (UnknownPriceError when only an unknown price is in the
    way and `unknown_confirmed` is False) before anything is journaled;
    `confirm(planned)` may raise to refuse after the budgets passed. `balance()`
    reads fal's credit (None when unknown) before the database is opened.
    """
    preview = is_preview(backend)
    credit = balance() if balance is not None and not preview else None
    with project_database(project) as db:
        ensure_ledger(db)  # the file explains its own money (SELECT * FROM spend_ledger)
        with rehearsed(preview):
            check_budget(
                project,
                planned,
                settings,
                unknown_confirmed=unknown_confirmed,
                db=db,
                balance_usd=credit,
            )
        if confirm is not None:
            confirm(planned)
        if not preview:
            record_project(project)  # before journaling: the daily budget must see this batch
        return journal_batch(JobJournal(db), planned, request, backend=backend)
