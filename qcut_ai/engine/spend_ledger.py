"""The spend ledger: what each journaled job has cost, read from the project database.

fal bills only successful outputs, so a job's estimate counts as *spent* once
fal has finished it, as *pending* (reserved against budgets) while it may
still be billed, and as $0 when it failed or was cancelled in the queue.
Batches run against the offline preview are rehearsals and cost nothing.

The `spend_ledger` view in the project database states this per job, so the
file explains its own money without qcut-ai (`SELECT * FROM spend_ledger`).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from qcut_ai.core.errors import LibraryError
from qcut_ai.core.job_state import FREE_STATES, SPENT_STATES, JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.engine.journal import migrations as journal_migrations
from qcut_ai.engine.kept_connections import KeptConnections
from qcut_ai.library.db import apply_migrations, open_database

_T = TypeVar("_T")

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    """What a job means for the user's money."""

    SPENT = "spent"  # fal finished it: billed
    PENDING = "pending"  # in flight or uncertain: may still be billed
    FREE = "free"  # failed or cancelled in the queue: fal bills nothing
    REHEARSAL = "rehearsal"  # offline preview: no money involved


def _in(states: Iterable[JobState]) -> str:
    return ", ".join(f"'{s.value}'" for s in sorted(states))


migrations = Migrations("qcut_ai.spend")


@migrations()
def m001_ledger(db: Database) -> None:
    # The view's state lists are fixed when this step runs; a change to the
    # spend rule needs a new step that drops and recreates the view.
    db.execute(
        """
        CREATE TABLE spend_rehearsals (
            batch_id TEXT PRIMARY KEY,
            recorded_at TEXT NOT NULL
        )
        """
    )
    db.execute(_ledger_view("r.batch_id IS NOT NULL"))


@migrations()
def m002_offline_backend(db: Database) -> None:
    # Jobs journaled with an offline preview backend are rehearsals by themselves.
    db.execute("DROP VIEW spend_ledger")
    db.execute(_ledger_view("(r.batch_id IS NOT NULL OR COALESCE(j.backend, '') LIKE 'offline:%')"))


@migrations()
def m003_backend_only(db: Database) -> None:
    # Preview jobs are marked by their backend alone: batches recorded the old way
    # get an offline backend, and the table goes.
    db.execute("DROP VIEW spend_ledger")
    db.execute(
        "UPDATE jobs SET backend = 'offline:rehearsal' WHERE batch_id IN "
        "(SELECT batch_id FROM spend_rehearsals) AND COALESCE(backend, '') NOT LIKE 'offline:%'"
    )
    db.execute("DROP TABLE spend_rehearsals")
    db.execute(_ledger_view(PREVIEW, rehearsals_table=False))


@migrations()
def m004_fal_usage(db: Database) -> None:
    # What fal said it billed, per UTC day and endpoint, and when it was asked
    # (`qcut-ai spend --reconcile`, "Check with fal"): the account's numbers,
    # kept beside the estimates so a later look needs no network.
    db.execute(
        """
        CREATE TABLE fal_usage (
            day TEXT NOT NULL,
            endpoint_id TEXT NOT NULL,
            unit TEXT NOT NULL,
            quantity REAL NOT NULL,
            unit_price REAL NOT NULL,
            cost_usd REAL NOT NULL,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (day, endpoint_id)
        )
        """
    )


@migrations()
def m005_tally(db: Database) -> None:
    # Running totals: how many jobs of each day and outcome have each estimate, kept
    # by triggers in the same transaction as the journal's write (whichever process
    # writes), so the panel's totals read a few rows, not every job ever journaled.
    # The estimate itself is the key: the totals are summed from it exactly as the
    # ledger sums its rows. Rows of jobs journaled before this step are counted here.
    db.execute(
        """
        CREATE TABLE spend_tally (
            day TEXT NOT NULL,
            outcome TEXT NOT NULL,
            usd REAL NOT NULL,
            priced INTEGER NOT NULL,
            jobs INTEGER NOT NULL,
            PRIMARY KEY (day, outcome, usd, priced)
        )
        """
    )
    db.execute(
        f"""INSERT INTO spend_tally (day, outcome, usd, priced, jobs)
            SELECT {_tally_key("j")}, COUNT(*) FROM jobs AS j GROUP BY 1, 2, 3, 4"""
    )
    db.execute(
        f"CREATE TRIGGER spend_tally_insert AFTER INSERT ON jobs BEGIN {_count('NEW', 1)} END"
    )
    db.execute(
        f"""CREATE TRIGGER spend_tally_delete AFTER DELETE ON jobs
            BEGIN {_count("OLD", -1)} {_drop_empty("OLD")} END"""
    )
    db.execute(
        f"""CREATE TRIGGER spend_tally_update
            AFTER UPDATE OF state, backend, estimate_usd, submitted_at, created_at ON jobs
            WHEN ({_tally_key("OLD")}) IS NOT ({_tally_key("NEW")})
            BEGIN {_count("OLD", -1)} {_count("NEW", 1)} {_drop_empty("OLD")} END"""
    )


def _preview(j: str) -> str:
    """The one rule for a preview job (its backend names an offline session)."""
    return f"COALESCE({j}.backend, '') LIKE 'offline:%'"


PREVIEW = _preview("j")


def _day(j: str) -> str:
    return f"substr(COALESCE({j}.submitted_at, {j}.created_at), 1, 10)"


def _outcome(j: str, rehearsal: str) -> str:
    return f"""CASE
                WHEN {rehearsal} THEN 'rehearsal'
                WHEN {j}.state IN ({_in(SPENT_STATES)}) THEN 'spent'
                WHEN {j}.state IN ({_in(FREE_STATES)}) THEN 'free'
                ELSE 'pending'
            END"""


def _tally_key(j: str) -> str:
    """A job's row of `spend_tally`: its day, outcome, estimate and whether it has one."""
    return (
        f"{_day(j)}, {_outcome(j, _preview(j))}, "
        f"IFNULL({j}.estimate_usd, 0), {j}.estimate_usd IS NOT NULL"
    )


def _count(j: str, delta: int) -> str:
    return f"""INSERT INTO spend_tally (day, outcome, usd, priced, jobs)
            VALUES ({_tally_key(j)}, {delta})
            ON CONFLICT (day, outcome, usd, priced) DO UPDATE SET jobs = jobs + excluded.jobs;"""


def _drop_empty(j: str) -> str:
    return f"""DELETE FROM spend_tally WHERE (day, outcome, usd, priced) = ({_tally_key(j)})
            AND jobs = 0;"""


def _ledger_view(rehearsal: str, *, rehearsals_table: bool = True) -> str:
    return f"""
        CREATE VIEW spend_ledger AS
        SELECT
            j.id AS job_id,
            j.batch_id,
            j.model_id,
            j.model_name,
            j.endpoint,
            j.state,
            j.estimate_usd,
            j.price_unit,
            j.price_rate,
            {_day("j")} AS day,
            {_outcome("j", rehearsal)} AS outcome,
            CASE
                WHEN NOT {rehearsal} AND j.state IN ({_in(SPENT_STATES)})
                THEN j.estimate_usd ELSE 0
            END AS spent_usd,
            CASE
                WHEN NOT {rehearsal} AND j.state NOT IN ({_in(SPENT_STATES | FREE_STATES)})
                THEN j.estimate_usd ELSE 0
            END AS pending_usd
        FROM jobs AS j
        """ + (
        "LEFT JOIN spend_rehearsals AS r ON r.batch_id = j.batch_id" if rehearsals_table else ""
    )


@dataclass(frozen=True)
class LedgerEntry:
    """One job as the ledger sees it; `usd` None means the model's price was unknown."""

    project: str
    job_id: str
    model_id: str
    model_name: str
    day: str
    outcome: Outcome
    usd: Decimal | None
    endpoint: str = ""
    state: str = ""


def ensure_ledger(db: Database) -> None:
    """Apply the journal's migrations, then the ledger's (the view reads `jobs`)."""
    apply_migrations(db, journal_migrations)
    apply_migrations(db, migrations)


def _usd(value: float | None) -> Decimal | None:
    # The journal stores REAL; repr gives back the decimal the estimate was made from.
    return None if value is None else Decimal(repr(value))


def entries(db: Database, project: str, since: date | None = None) -> list[LedgerEntry]:
    """The ledger rows of one open project database, oldest first."""
    ensure_ledger(db)
    sql = "SELECT * FROM spend_ledger"
    params: list[str] = []
    if since is not None:
        sql += " WHERE day >= ?"
        params.append(since.isoformat())
    sql += " ORDER BY day, job_id"
    return [
        LedgerEntry(
            project=project,
            job_id=row["job_id"],
            model_id=row["model_id"],
            model_name=row["model_name"],
            day=row["day"],
            outcome=Outcome(row["outcome"]),
            usd=_usd(row["estimate_usd"]),
            endpoint=row["endpoint"] or "",
            state=row["state"] or "",
        )
        for row in db.query(sql, params)
    ]


def read_project_ledger(
    project: ProjectPaths,
    read: Callable[[Database], _T],
    empty: _T,
    kept: KeptConnections | None = None,
) -> _T:
    """`read(db)` on one project folder's database, `empty` for a folder that never
    generated; an unreadable ledger is one LibraryError sentence. With `kept`, on its
    connection to the folder, brought up to date once (`ensure_ledger`), else on one
    opened for this read."""
    if not project.database.is_file():
        if kept is not None:
            kept.forget(project.database)
        return empty
    try:
        if kept is not None:
            return kept.read(project.database, ensure_ledger, read)
        db = open_database(project.database)
        try:
            return read(db)
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise LibraryError(
            f"The spend ledger of {project.root} could not be read: {exc}.",
            hint="Check that the project folder is readable and writable.",
        ) from exc


def project_entries(project: ProjectPaths, since: date | None = None) -> list[LedgerEntry]:
    """The ledger of one project folder; a folder that never generated has none."""
    return read_project_ledger(project, lambda db: entries(db, str(project.root), since), [])


@dataclass(frozen=True)
class LedgerRead:
    """Entries of several projects, plus the folders that could not be read."""

    entries: list[LedgerEntry]
    skipped: list[str]


def read_projects(
    projects: Sequence[ProjectPaths], since: date | None = None, *, strict: Sequence[str] = ()
) -> LedgerRead:
    """Entries of every project, each folder once; folders that are gone are skipped.

    A damaged or locked database of a project named in `strict` raises; for
    the others it is skipped (and listed), since one broken old project must
    not stop the user from working in another.
    """
    found: list[LedgerEntry] = []
    skipped: list[str] = []
    for project in _unique(projects):
        if not project.root.is_dir():
            continue
        try:
            found.extend(project_entries(project, since))
        except LibraryError as exc:
            if str(project.root) in strict:
                raise
            log.warning("spend: skipping %s: %s", project.root, exc)
            skipped.append(str(project.root))
    return LedgerRead(found, skipped)


def _unique(projects: Sequence[ProjectPaths]) -> Iterator[ProjectPaths]:
    seen: set[str] = set()
    for project in projects:
        key = str(project.root)
        if key not in seen:
            seen.add(key)
            yield project
