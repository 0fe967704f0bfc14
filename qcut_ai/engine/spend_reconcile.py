"""Our estimates beside what fal billed: per UTC day and model, with the difference.

`reconcile` reads the ledgers, asks fal's usage route (admin key) for the
endpoints and days they name, keeps fal's lines in each project's ledger with
the time they were fetched (`fal_usage`), and compares. When fal cannot be
asked, the lines kept from the last time are compared instead and the report
says when they were fetched. Only the read is sent.

A day and model whose difference is above 5 % or $0.50 is flagged with one
sentence naming the likely cause: fal's price changed, a job we count as
failed or cancelled was billed, or a job from another tool on the same key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlite_utils import Database

from qcut_ai.core.pricing import format_usd
from qcut_ai.core.project import ProjectPaths
from qcut_ai.engine.spend_ledger import LedgerEntry, Outcome, ensure_ledger, read_projects
from qcut_ai.library.project_db import project_database
from qcut_ai.services.fal_billing import BilledLine, read_usage
from qcut_ai.services.fal_platform import FalPlatformClient, PlatformError

ZERO = Decimal(0)
FLAG_SHARE = Decimal("0.05")  # a difference above 5 % of our estimate ...
FLAG_USD = Decimal("0.50")  # ... or above $0.50 is worth a sentence
_CENT = Decimal("0.005")  # what counts as "the same amount" when matching a job


def _money(usd: Decimal) -> str:
    sign = "-" if usd < 0 else ""
    return f"{sign}${format_usd(abs(usd))}"


@dataclass
class ReconcileLine:
    """One UTC day and model: our estimate beside fal's billed cost."""

    day: str
    endpoint: str
    model_name: str
    jobs: int = 0  # paid attempts in our ledger (spent, pending, failed or cancelled)
    ours_usd: Decimal = ZERO  # estimates of the jobs fal finished
    fal_usd: Decimal | None = None  # None: fal billed nothing for it
    fal_unit_price: Decimal | None = None
    fal_quantity: Decimal | None = None
    fal_unit: str = ""
    not_billed: list[str] = field(default_factory=list)  # our failed/cancelled job ids
    pending: int = 0
    free_estimates: dict[str, Decimal] = field(default_factory=dict)
    flag: str = ""

    @property
    def difference_usd(self) -> Decimal:
        return (self.fal_usd or ZERO) - self.ours_usd

    def to_json(self) -> dict[str, object]:
        return {
            "day": self.day,
            "endpoint_id": self.endpoint,
            "model_name": self.model_name,
            "jobs": self.jobs,
            "estimate_usd": float(self.ours_usd),
            "fal_billed_usd": float(self.fal_usd or ZERO),
            "difference_usd": float(self.difference_usd),
            "fal_unit_price": float(self.fal_unit_price) if self.fal_unit_price else None,
            "fal_unit": self.fal_unit or None,
            "not_billed_jobs": list(self.not_billed),
            "pending_jobs": self.pending,
            "flag": self.flag or None,
        }


@dataclass
class Reconciliation:
    """The comparison over a window of days; `fetched_at` is when fal was asked."""

    since: date
    until: date
    lines: list[ReconcileLine]
    fetched_at: str
    from_cache: bool = False
    note: str = ""  # why the kept lines were used, when they were
    skipped: list[str] = field(default_factory=list)

    @property
    def ours_usd(self) -> Decimal:
        return sum((line.ours_usd for line in self.lines), ZERO)

    @property
    def fal_usd(self) -> Decimal:
        return sum((line.fal_usd or ZERO for line in self.lines), ZERO)

    @property
    def flagged(self) -> list[ReconcileLine]:
        return [line for line in self.lines if line.flag]

    def to_json(self) -> dict[str, object]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "fetched_at": self.fetched_at,
            "from_cache": self.from_cache,
            "note": self.note or None,
            "estimate_usd": float(self.ours_usd),
            "fal_billed_usd": float(self.fal_usd),
            "difference_usd": float(self.fal_usd - self.ours_usd),
            "flagged": len(self.flagged),
            "lines": [line.to_json() for line in self.lines],
            "skipped_projects": list(self.skipped),
        }


def _cause(line: ReconcileLine) -> str:
    """One sentence: what most likely explains a difference worth flagging."""
    diff = line.difference_usd
    if line.jobs == 0:
        return (
            f"fal billed {_money(line.fal_usd or ZERO)} that no qcut-ai job explains: "
            "likely a job from another tool on the same key."
        )
    for job_id, usd in line.free_estimates.items():
        if abs(diff - usd) <= max(_CENT, usd * FLAG_SHARE):
            return (
                f"fal billed {_money(diff)} more, the estimate of job {job_id[:8]} that we "
                "count as failed or cancelled: it was likely billed."
            )
    if line.fal_quantity and line.fal_unit_price and line.ours_usd:
        ours_unit = line.ours_usd / line.fal_quantity
        if abs(line.fal_unit_price - ours_unit) > ours_unit * Decimal("0.02"):
            unit = line.fal_unit or "unit"
            return (
                f"fal billed {_money(line.fal_unit_price)} per {unit} where we estimated "
                f"{_money(ours_unit.quantize(Decimal('0.0001')))}: the price likely changed at fal."
            )
    if diff > 0:
        return (
            f"fal billed {_money(diff)} more than our jobs: likely a job from another tool "
            "on the same key, or a job we think failed was billed."
        )
    return (
        f"fal billed {_money(-diff)} less than estimated: likely a discount, or a job we "
        "count as finished was not billed."
    )


def _flag(line: ReconcileLine) -> str:
    diff = abs(line.difference_usd)
    if diff > FLAG_USD or (line.ours_usd and diff > line.ours_usd * FLAG_SHARE):
        return _cause(line)
    if not line.ours_usd and diff > _CENT:
        return _cause(line)
    return ""


def compare(entries: Sequence[LedgerEntry], billed: Sequence[BilledLine]) -> list[ReconcileLine]:
    """Lines per (day, endpoint), days oldest first; pure, for the report and tests."""
    lines: dict[tuple[str, str], ReconcileLine] = {}
    for entry in entries:
        if entry.outcome is Outcome.REHEARSAL or not entry.endpoint:
            continue
        key = (entry.day, entry.endpoint)
        line = lines.setdefault(key, ReconcileLine(entry.day, entry.endpoint, entry.model_name))
        line.jobs += 1
        if entry.outcome is Outcome.SPENT:
            line.ours_usd += entry.usd or ZERO
        elif entry.outcome is Outcome.FREE:
            line.not_billed.append(entry.job_id)
            if entry.usd:
                line.free_estimates[entry.job_id] = entry.usd
        else:
            line.pending += 1
    for bill in billed:
        key = (bill.day, bill.endpoint_id)
        line = lines.setdefault(key, ReconcileLine(bill.day, bill.endpoint_id, bill.endpoint_id))
        line.fal_usd = (line.fal_usd or ZERO) + bill.cost
        line.fal_unit_price, line.fal_quantity, line.fal_unit = (
            bill.unit_price,
            bill.quantity,
            bill.unit,
        )
    for line in lines.values():
        line.flag = _flag(line)
    return sorted(lines.values(), key=lambda line: (line.day, line.model_name))


# -- the cache in each ledger ---------------------------------------------------------


def save_billed(db: Database, billed: Sequence[BilledLine], fetched_at: str) -> None:
    """Keep fal's lines in this project's ledger, replacing older reads of the same day."""
    ensure_ledger(db)
    db["fal_usage"].upsert_all(  # type: ignore[union-attr]
        [
            {
                "day": b.day,
                "endpoint_id": b.endpoint_id,
                "unit": b.unit,
                "quantity": float(b.quantity),
                "unit_price": float(b.unit_price),
                "cost_usd": float(b.cost),
                "fetched_at": fetched_at,
            }
            for b in billed
        ],
        pk=("day", "endpoint_id"),
    )


def kept_billed(db: Database, since: date) -> tuple[list[BilledLine], str]:
    """fal's lines kept in this ledger from `since` on, and the oldest time they were fetched."""
    ensure_ledger(db)
    rows = list(db.query("SELECT * FROM fal_usage WHERE day >= ?", [since.isoformat()]))
    lines = [
        BilledLine(
            r["day"],
            r["endpoint_id"],
            r["unit"],
            Decimal(repr(r["quantity"])),
            Decimal(repr(r["unit_price"])),
            Decimal(repr(r["cost_usd"])),
        )
        for r in rows
    ]
    return lines, min((r["fetched_at"] for r in rows), default="")


# -- the whole read ---------------------------------------------------------------------


ClientFactory = Callable[[], FalPlatformClient]


def reconcile(
    projects: Sequence[ProjectPaths],
    client: ClientFactory,
    since: date | None = None,
    *,
    today: date | None = None,
) -> Reconciliation:
    """Compare the ledgers of these projects with fal's usage from `since` to today.

    Raises PlatformError when fal cannot be asked and no earlier answer is kept.
    """
    read = read_projects(projects, since)
    entries = [e for e in read.entries if e.outcome is not Outcome.REHEARSAL and e.endpoint]
    until = today or datetime.now(UTC).date()
    first = since or min((date.fromisoformat(e.day) for e in entries), default=until)
    endpoints = sorted({e.endpoint for e in entries})
    roots = [p for p in projects if p.root.is_dir() and str(p.root) not in read.skipped]
    owners = {e.project for e in entries}
    fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        with client() as fal:
            billed = read_usage(fal, endpoints, first, until)
    except PlatformError as exc:
        kept, when = _kept(roots, owners, first)
        if not when:
            raise
        result = Reconciliation(first, until, compare(entries, kept), when, from_cache=True)
        result.note = f"{exc.message} Compared with what fal said at {when} instead."
        result.skipped = list(read.skipped)
        return result
    for project in roots:
        if str(project.root) in owners:
            with project_database(project) as db:
                save_billed(db, billed, fetched_at)
    result = Reconciliation(first, until, compare(entries, billed), fetched_at)
    result.skipped = list(read.skipped)
    return result


def _kept(
    projects: Sequence[ProjectPaths], owners: set[str], since: date
) -> tuple[list[BilledLine], str]:
    """The newest kept lines among these ledgers (every ledger keeps the whole answer)."""
    best: tuple[list[BilledLine], str] = ([], "")
    for project in projects:
        if str(project.root) not in owners:
            continue
        with project_database(project) as db:
            lines, when = kept_billed(db, since)
        if lines and when > best[1]:
            best = (lines, when)
    return best
