"""The crash-safe job journal in the project's SQLite database.

Each job row is written *before* each network step, so after a crash the
next start knows exactly what fal holds and never pays twice.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import statistics
import uuid
from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from qcut_ai.core.errors import QcutError
from qcut_ai.core.job_state import TERMINAL_STATES, JobRecord, JobState, now_iso
from qcut_ai.library import leases
from qcut_ai.library.db import apply_migrations, write_transaction
from qcut_ai.library.db_errors import write_error

log = logging.getLogger(__name__)
migrations = Migrations("qcut_ai.journal")


@migrations()
def m001_jobs(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            batch_id TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            model_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            model_name TEXT NOT NULL,
            state TEXT NOT NULL,
            request_json TEXT NOT NULL,
            arguments_json TEXT NOT NULL,
            estimate_usd REAL,
            price_unit TEXT,
            price_rate TEXT,
            request_id TEXT UNIQUE,
            status_url TEXT,
            response_url TEXT,
            cancel_url TEXT,
            queue_position INTEGER,
            result_json TEXT,
            download_path TEXT,
            media_id INTEGER,
            error TEXT,
            error_kind TEXT,
            retry_of TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            submitted_at TEXT,
            completed_at TEXT,
            finished_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX jobs_state ON jobs(state)")
    db.execute("CREATE INDEX jobs_created ON jobs(created_at)")


@migrations()
def m002_backend(db: Database) -> None:
    # Which fal a job was sent to ("fal", an override URL, or an offline preview
    # session), so a resume never polls, or pays, the wrong service.
    db.execute("ALTER TABLE jobs ADD COLUMN backend TEXT")


@migrations()
def m003_inputs(db: Database) -> None:
    # What the runner added (uploaded inputs and their hashes) is kept apart from
    # what the user asked for, so History can always rebuild the request.
    db.execute("ALTER TABLE jobs ADD COLUMN inputs_json TEXT")
    db.execute(
        """UPDATE jobs SET inputs_json = json_extract(request_json, '$.inputs'),
           request_json = json_remove(request_json, '$.inputs')
           WHERE json_valid(request_json) AND json_type(request_json, '$.inputs') = 'array'"""
    )


@migrations()
def m004_read_indexes(db: Database) -> None:
    # Reads that ran once per job or per view scanned and sorted the whole journal,
    # so a long session slowed down with its own history:
    # - History's page (newest batch ids from the end of a covering index, then those
    #   batches' jobs by batch id) and `recent` (newest first, by position);
    # - a batch's jobs (History, comparisons);
    # - the runner's median generation time per endpoint, read for every job.
    db.execute("CREATE INDEX jobs_created_batch ON jobs(created_at, position, batch_id)")
    db.execute("CREATE INDEX jobs_batch ON jobs(batch_id, position)")
    db.execute("CREATE INDEX jobs_endpoint_completed ON jobs(endpoint, completed_at)")


def job_resource(job_id: str) -> str:
    """The lease name of one job (see qcut_ai.library.leases)."""
    return f"job:{job_id}"


class LeaseLostError(QcutError):
    """Another process took this job over (this one was presumed dead); it stops here."""


def ensure_journal(db: Database) -> None:
    """Bring the journal's tables (and the leases it takes) up to date."""
    apply_migrations(db, migrations)
    leases.ensure_leases(db)


class JobJournal:
    """Reads and writes job rows. One instance per thread (sqlite connections are per thread).

    With `fenced=True` (the runner's journal) every update is made only while
    this process holds the job's lease, so a process that was presumed dead and
    wakes up again cannot step on the process that took its job over.
    `migrate=False` is for a connection `ensure_journal` has already brought up
    to date (a kept one), so each read does not check the migrations again.
    """

    def __init__(self, db: Database, *, fenced: bool = False, migrate: bool = True) -> None:
        self.db = db
        self.fenced = fenced
        if migrate:
            ensure_journal(db)

    def create(
        self,
        *,
        batch_id: str,
        position: int,
        model_id: str,
        endpoint: str,
        model_name: str,
        request: dict[str, Any],
        arguments: dict[str, Any],
        estimate_usd: float | None,
        price_unit: str | None,
        price_rate: str | None = None,
        retry_of: str | None = None,
        backend: str | None = None,
        claim: bool = False,
    ) -> JobRecord:
        """Journal a new job; with `claim`, this process owns it from the start, so no
        other process's resume can take it between journaling and running."""
        job_id = uuid.uuid4().hex[:12]
        stamp = now_iso()
        with self._writing():
            self.db.execute(
                """INSERT INTO jobs (id, batch_id, position, model_id, endpoint, model_name,
                   state, request_json, arguments_json, estimate_usd, price_unit, price_rate,
                   retry_of, backend, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    job_id,
                    batch_id,
                    position,
                    model_id,
                    endpoint,
                    model_name,
                    JobState.QUEUED.value,
                    json.dumps(request, sort_keys=True),
                    json.dumps(arguments, sort_keys=True),
                    estimate_usd,
                    price_unit,
                    price_rate,
                    retry_of,
                    backend,
                    stamp,
                    stamp,
                ],
            )
            if claim:
                leases.claim(self.db, job_resource(job_id))
        return self.get(job_id)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One committed write; a locked or read-only database becomes one sentence."""
        try:
            with write_transaction(self.db):
                yield
        except sqlite3.OperationalError as exc:
            raise write_error(exc) from exc

    def get(self, job_id: str) -> JobRecord:
        rows = list(self.db.query("SELECT * FROM jobs WHERE id = ?", [job_id]))
        if not rows:
            raise KeyError(job_id)
        return JobRecord.from_row(rows[0])

    # -- ownership ---------------------------------------------------------------
    def claim(self, job_id: str) -> leases.Owner | None:
        """Take the job for this process; None when taken, else the live owner."""
        try:
            return leases.claim(self.db, job_resource(job_id))
        except sqlite3.OperationalError as exc:
            raise write_error(exc) from exc

    def release(self, job_id: str) -> None:
        try:
            leases.release(self.db, job_resource(job_id))
        except sqlite3.Error as exc:
            log.warning("could not release job %s: %s", job_id, exc)

    def owner_of(self, job_id: str) -> leases.Owner | None:
        """The other live process working on the job, if any."""
        return leases.holder(self.db, job_resource(job_id))

    def update(self, job_id: str, state: JobState | None = None, **fields: Any) -> JobRecord:
        """Write fields (JSON-encoding dict values) and commit before returning."""
        values: dict[str, Any] = {"updated_at": now_iso()}
        if state is not None:
            values["state"] = state.value
            if state in TERMINAL_STATES:
                values.setdefault("finished_at", values["updated_at"])
        for key, value in fields.items():
            column = f"{key}_json" if key in _JSON_FIELDS else key
            values[column] = json.dumps(value) if column.endswith("_json") else value
        assignments = ", ".join(f"{k} = ?" for k in values)
        sql = f"UPDATE jobs SET {assignments} WHERE id = ?"
        params = [*values.values(), job_id]
        if self.fenced:
            sql += " AND EXISTS (SELECT 1 FROM leases WHERE resource = ? AND owner = ?)"
            params += [job_resource(job_id), leases.this_process().key]
        with self._writing():
            changed = self.db.execute(sql, params).rowcount
        if not changed and self.fenced:
            raise LeaseLostError(
                "Another qcut-ai took this job over while this one was not responding; "
                "this one stopped working on it.",
                hint="Nothing is paid twice; the other program finishes it.",
            )
        job = self.get(job_id)
        if state is not None or fields.get("error"):
            # One line per change, with the request id: what a bug report needs.
            log.info(
                "job %s (%s) %s, request %s%s",
                job.id,
                job.model_id,
                job.state.value,
                job.request_id or "-",
                f": {job.error}" if fields.get("error") else "",
            )
        return job

    def recent(self, *, limit: int = 200, states: set[JobState] | None = None) -> list[JobRecord]:
        sql = "SELECT * FROM jobs"
        params: list[Any] = []
        if states:
            sql += f" WHERE state IN ({', '.join('?' for _ in states)})"
            params.extend(s.value for s in states)
        sql += " ORDER BY created_at DESC, position DESC LIMIT ?"
        params.append(limit)
        return [JobRecord.from_row(r) for r in self.db.query(sql, params)]

    def batch_page(
        self, *, limit: int, before: str | None = None, skip: Collection[str] = ()
    ) -> tuple[list[JobRecord], str | None]:
        """The jobs of the `limit` batches met first walking back from `before` (a
        creation time; None: the newest job), batches in `skip` left out; and the
        creation time the next page starts at (None: no older batch)."""
        sql = "SELECT batch_id, created_at FROM jobs"
        params: list[Any] = []
        if before is not None:
            # `<=`: jobs created in the same millisecond as the cursor are not lost;
            # the batches already shown are skipped by id.
            sql += " WHERE created_at <= ?"
            params.append(before)
        sql += " ORDER BY created_at DESC"
        found: dict[str, None] = {}
        skipped = set(skip)
        cursor: str | None = None
        rows = self.db.execute(sql, params)
        try:
            for batch_id, created_at in rows:
                if batch_id in found or batch_id in skipped:
                    continue
                if len(found) == limit:
                    cursor = created_at
                    break
                found[batch_id] = None
        finally:
            rows.close()  # the rest of the walk is never read
        if not found:
            return [], None
        marks = ", ".join("?" for _ in found)
        records = [
            JobRecord.from_row(r)
            for r in self.db.query(f"SELECT * FROM jobs WHERE batch_id IN ({marks})", list(found))
        ]
        return records, cursor

    def result_for_request(self, request_id: str) -> dict[str, Any] | None:
        """fal's result JSON for a request id, as journaled (None when not finished)."""
        row = self.db.execute(
            "SELECT result_json FROM jobs WHERE request_id = ?", [request_id]
        ).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def unfinished(self) -> list[JobRecord]:
        open_states = {s for s in JobState if s not in TERMINAL_STATES}
        return sorted(
            self.recent(limit=10_000, states=open_states), key=lambda j: (j.created_at, j.position)
        )

    def median_generation_seconds(self, endpoint: str, *, last: int = 20) -> float | None:
        """This machine's own history of the model: median submit→complete time."""
        rows = self.db.query(
            """SELECT submitted_at, completed_at FROM jobs
               WHERE endpoint = ? AND submitted_at IS NOT NULL AND completed_at IS NOT NULL
               ORDER BY completed_at DESC LIMIT ?""",
            [endpoint, last],
        )
        spans = [
            (
                datetime.fromisoformat(r["completed_at"])
                - datetime.fromisoformat(r["submitted_at"])
            ).total_seconds()
            for r in rows
        ]
        return statistics.median(spans) if spans else None


_JSON_FIELDS = ("result", "arguments", "request", "inputs")
