"""Spend safety: budgets checked before any submit, and what has been spent so far.

Call `check_budget` after planning a batch and before journaling it: it
raises BudgetError (with the numbers) when the batch's estimate does not fit
in what is left of the user's daily budget (UTC day, summed over every
project) or of the project's budget. Jobs still in flight are reserved at
their estimate. Offline preview pays nothing: its jobs are marked by their
backend and cost $0. `qcut_ai.engine.launch.launch_batch` is the one place
that checks, lists the project for the daily budget and journals a batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlite_utils import Database

from qcut_ai.core.errors import BudgetError
from qcut_ai.core.pricing import batch_total, format_usd
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.settings import Settings
from qcut_ai.core.spend_totals import SpendTotals
from qcut_ai.engine.batch import PlannedJob
from qcut_ai.engine.kept_connections import KeptConnections
from qcut_ai.engine.spend_ledger import (
    LedgerEntry,
    Outcome,
    entries,
    project_entries,
    read_projects,
)
from qcut_ai.engine.spend_registry import record_project, registered_projects
from qcut_ai.engine.spend_report import SpendLine, SpendReport, spend_report
from qcut_ai.engine.spend_tally import Usage, others_usage, project_usage
from qcut_ai.services.fal_billing import BILLING_PAGE

__all__ = [
    "SpendLine",
    "SpendReport",
    "SpendTotals",
    "UnknownPriceError",
    "check_budget",
    "record_project",
    "spend_report",
    "spend_totals",
    "today_and_project",
    "utc_today",
]

ZERO = Decimal(0)


class UnknownPriceError(BudgetError):
    """A budget is set and the batch has a model without a published price.

    The user may confirm and retry with `unknown_confirmed=True`.
    """

    def __init__(self, message: str, *, hint: str = "", models: Sequence[str] = ()) -> None:
        super().__init__(message, hint=hint)
        self.models = list(models)


def utc_today() -> date:
    return datetime.now(UTC).date()


def _money(usd: Decimal) -> str:
    return f"${format_usd(usd)}"


@dataclass(frozen=True)
class _Usage:
    spent: Decimal
    pending: Decimal

    @classmethod
    def of(cls, entries: Iterable[LedgerEntry]) -> _Usage:
        spent = pending = ZERO
        for entry in entries:
            if entry.outcome is Outcome.SPENT:
                spent += entry.usd or ZERO
            elif entry.outcome is Outcome.PENDING:
                pending += entry.usd or ZERO
        return cls(spent, pending)


def _own_entries(
    project: ProjectPaths, since: date | None = None, db: Database | None = None
) -> list[LedgerEntry]:
    """This project's ledger, on the caller's connection when it has one open."""
    return (
        entries(db, str(project.root), since) if db is not None else project_entries(project, since)
    )


def _today_entries(
    project: ProjectPaths | None, today: date, db: Database | None = None
) -> list[LedgerEntry]:
    """Today's entries of every listed project; this project's must be readable."""
    own = str(project.root) if project is not None else None
    others = [p for p in registered_projects() if str(p.root) != own]
    found = list(read_projects(others, since=today).entries)
    if project is not None:
        found += _own_entries(project, today, db)
    day = today.isoformat()
    return [e for e in found if e.day == day]


def spend_totals(project: ProjectPaths | None, kept: KeptConnections | None = None) -> SpendTotals:
    """Spent and pending today (all projects) and in this project ($0 without one).

    Read from each database's running tally (`engine.spend_tally`): a few rows per
    project, however many jobs it has journaled; with `kept`, on its connections."""
    day = utc_today().isoformat()
    own = str(project.root) if project is not None else None
    others = others_usage([p for p in registered_projects() if str(p.root) != own], day, kept)
    mine, mine_today = (
        project_usage(project, day, kept) if project is not None else (Usage(), Usage())
    )
    today = others + mine_today
    # A job in flight is in both scopes when it is today's and this project's: counted once.
    pending = mine.pending + others.pending
    return SpendTotals(today.spent, today.pending, mine.spent, mine.pending, pending)


def today_and_project(project: ProjectPaths) -> tuple[Decimal, Decimal]:
    """Dollars spent today (UTC, every project) and in this project, pending excluded."""
    totals = spend_totals(project)
    return totals.today_spent, totals.project_spent


def _check_scope(
    *,
    what: str,
    budget: float,
    usage: _Usage,
    known: Decimal,
    unpriced: Sequence[str],
    unknown_confirmed: bool,
    hint: str,
    noun: str = "budget",
) -> None:
    limit = Decimal(str(budget))
    left = max(ZERO, limit - usage.spent - usage.pending)
    used = f"{_money(usage.spent)} spent"
    if usage.pending:
        used += f", {_money(usage.pending)} pending"
    if known > left:
        raise BudgetError(
            f"This batch costs an estimated {_money(known)} but only {_money(left)} is left "
            f"of {what} {_money(limit)} {noun} ({used}).",
            hint=hint,
        )
    if unpriced and not unknown_confirmed:
        names = ", ".join(unpriced)
        count = f"{len(unpriced)} model" + ("s" if len(unpriced) > 1 else "")
        raise UnknownPriceError(
            f"This batch has {count} without a published price ({names}), so it could "
            f"exceed {what} {_money(limit)} {noun} ({_money(left)} left).",
            hint="Confirm the unknown price to go ahead (--yes on the command line).",
            models=unpriced,
        )


def check_balance(known: Decimal, balance_usd: Decimal) -> None:
    """Refuse a batch whose estimate is more than the credit fal says is left."""
    if known > balance_usd:
        raise BudgetError(
            f"This batch costs an estimated {_money(known)} but only "
            f"{_money(max(ZERO, balance_usd))} of credit is left at fal.",
            hint=f"Top up at {BILLING_PAGE}, or choose fewer or cheaper models.",
        )


def check_model_caps(
    planned: Sequence[PlannedJob],
    caps: dict[str, float],
    today_entries: Sequence[LedgerEntry],
    *,
    unknown_confirmed: bool,
) -> None:
    """Each capped model's share of the batch must fit in what is left of its daily cap."""
    for model_id, cap in caps.items():
        mine = [p for p in planned if p.spec.id == model_id]
        name = mine[0].spec.name
        known, _ = batch_total(p.estimate for p in mine)
        usage = _Usage.of(e for e in today_entries if e.model_id == model_id)
        _check_scope(
            what=f"{name}'s",
            noun="daily cap",
            budget=cap,
            usage=usage,
            known=known,
            unpriced=[p.spec.name for p in mine if p.estimate.usd is None],
            unknown_confirmed=unknown_confirmed,
            hint=(
                f"Choose another model, raise the cap with `qcut-ai spend --cap {model_id}=USD`, "
                "or wait for the new day (00:00 UTC)."
            ),
        )


def check_budget(
    project: ProjectPaths,
    planned: Sequence[PlannedJob],
    settings: Settings,
    *,
    unknown_confirmed: bool = False,
    db: Database | None = None,
    balance_usd: Decimal | None = None,
) -> None:
    """Raise BudgetError if the batch does not fit in what is left of a set budget,
    of a model's daily cap, or of the credit left at fal (`balance_usd`, when known).

    `db`: this project's database, when the caller has it open (read on it).

    Nothing is checked when no budget or cap is set and the balance is unknown.
    A model with an unknown price counts as exceeding a set budget unless
    `unknown_confirmed`; then UnknownPriceError (a BudgetError) is raised so
    the caller can ask.
    """
    known, _ = batch_total(p.estimate for p in planned)
    if balance_usd is not None:
        check_balance(known, balance_usd)
    daily, per_project = settings.daily_budget_usd, settings.project_budget_usd
    caps = {
        m: c for m, c in settings.model_caps_usd.items() if any(p.spec.id == m for p in planned)
    }
    if daily is None and per_project is None and not caps:
        return
    unpriced = [p.spec.name for p in planned if p.estimate.usd is None]
    scopes: list[tuple[str, float, _Usage, str]] = []
    today_entries = _today_entries(project, utc_today(), db) if daily is not None or caps else []
    if daily is not None:
        usage = _Usage.of(today_entries)
        hint = (
            "Choose fewer or cheaper models, raise the daily budget in Settings, "
            "or wait for the new day (00:00 UTC)."
        )
        scopes.append(("today's", daily, usage, hint))
    if per_project is not None:
        usage = _Usage.of(_own_entries(project, db=db))
        hint = "Choose fewer or cheaper models, or raise the project budget in Settings."
        scopes.append(("this project's", per_project, usage, hint))
    for what, budget, usage, hint in scopes:
        _check_scope(
            what=what,
            budget=budget,
            usage=usage,
            known=known,
            unpriced=unpriced,
            unknown_confirmed=unknown_confirmed,
            hint=hint,
        )
    check_model_caps(planned, caps, today_entries, unknown_confirmed=unknown_confirmed)
