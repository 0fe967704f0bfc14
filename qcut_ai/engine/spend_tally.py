"""Spend totals read from the running tally each project database keeps.

The `spend_tally` table (spend_ledger's m005, kept by triggers on `jobs`)
holds, per UTC day and outcome, how many jobs have each estimate. A total is
a few rows whatever the size of the journal; each estimate is read back as
the ledger reads it (`Decimal(repr(usd))`), so the sums are the ledger's.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlite_utils import Database

from qcut_ai.core.errors import LibraryError
from qcut_ai.core.project import ProjectPaths
from qcut_ai.engine.kept_connections import KeptConnections
from qcut_ai.engine.spend_ledger import Outcome, ensure_ledger, read_project_ledger

log = logging.getLogger(__name__)

ZERO = Decimal(0)


@dataclass(frozen=True)
class Usage:
    """Dollars spent and pending (reserved for jobs that may still be billed)."""

    spent: Decimal = ZERO
    pending: Decimal = ZERO

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.spent + other.spent, self.pending + other.pending)


def usage(db: Database, day: str | None = None) -> Usage:
    """What one open project database has spent and has pending, on `day` or ever."""
    ensure_ledger(db)
    return tally_usage(db, day)


def tally_usage(db: Database, day: str | None = None) -> Usage:
    """`usage` on a database whose ledger is already up to date (`ensure_ledger`)."""
    sql = "SELECT outcome, usd, SUM(jobs) FROM spend_tally WHERE priced AND outcome IN (?, ?)"
    params: list[str] = [Outcome.SPENT.value, Outcome.PENDING.value]
    if day is not None:
        sql += " AND day = ?"
        params.append(day)
    sql += " GROUP BY outcome, usd"
    spent = pending = ZERO
    for outcome, usd, jobs in db.execute(sql, params):
        amount = Decimal(repr(usd)) * jobs
        if outcome == Outcome.SPENT.value:
            spent += amount
        else:
            pending += amount
    return Usage(spent, pending)


def project_usage(
    project: ProjectPaths, day: str, kept: KeptConnections | None = None
) -> tuple[Usage, Usage]:
    """The usage of one project folder ever and on `day`; a folder that never generated
    has none. With `kept`, read on its connection to the folder."""
    if kept is not None:
        read = lambda db: (tally_usage(db), tally_usage(db, day))  # noqa: E731
    else:
        read = lambda db: (usage(db), usage(db, day))  # noqa: E731
    return read_project_ledger(project, read, (Usage(), Usage()), kept)


def others_usage(
    projects: Sequence[ProjectPaths], day: str, kept: KeptConnections | None = None
) -> Usage:
    """The usage on `day` of other projects, each folder once; folders that are gone or
    cannot be read are skipped (one broken old project must not hide today's total)."""
    total = Usage()
    seen: set[str] = set()
    for project in projects:
        key = str(project.root)
        if key in seen or not project.root.is_dir():
            continue
        seen.add(key)
        try:
            total += project_usage(project, day, kept)[1]
        except LibraryError as exc:
            log.warning("spend: skipping %s: %s", project.root, exc)
    return total
