"""The panel's spend totals come from a running tally the database keeps; they always
equal a full recompute from every ledger row, across states, days, prices, previews,
other projects and jobs journaled before the tally existed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from qcut_ai.core.job_state import SPENT_STATES, JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.spend_totals import SpendTotals
from qcut_ai.engine.journal import JobJournal
from qcut_ai.engine.spend import record_project, spend_totals, utc_today
from qcut_ai.engine.spend_ledger import LedgerEntry, Outcome, read_projects
from qcut_ai.library.project_db import open_project_db

PRICES = [0.35, 0.1, 0.28, 0.0375, None, 1.234567890123, 0.1]


def _recompute(project: ProjectPaths, others: list[ProjectPaths]) -> SpendTotals:
    """Every ledger row summed, as the totals were computed before the tally."""
    day = utc_today().isoformat()
    mine = read_projects([project]).entries
    today = [e for e in read_projects(others).entries if e.day == day]
    today += [e for e in mine if e.day == day]

    def total(entries: list[LedgerEntry], outcome: Outcome) -> Decimal:
        return sum((e.usd or Decimal(0) for e in entries if e.outcome is outcome), Decimal(0))

    in_flight = {(e.project, e.job_id): e for e in [*today, *mine]}
    return SpendTotals(
        total(today, Outcome.SPENT),
        total(today, Outcome.PENDING),
        total(mine, Outcome.SPENT),
        total(mine, Outcome.PENDING),
        total(list(in_flight.values()), Outcome.PENDING),
    )


def _jobs(project: ProjectPaths, count: int, *, backend: str | None = None) -> list[str]:
    record_project(project)
    db = open_project_db(project)
    try:
        journal = JobJournal(db)  # the journal alone: no spend step applied yet
        return [
            journal.create(
                batch_id=f"b{n // 5}",
                position=n % 5,
                model_id="wan-2.2-turbo",
                endpoint="fal-ai/wan",
                model_name="Wan",
                request={"prompt": "a fox"},
                arguments={},
                estimate_usd=PRICES[n % len(PRICES)],
                price_unit="per_video",
                backend=backend,
            ).id
            for n in range(count)
        ]
    finally:
        db.close()


def _update(project: ProjectPaths, job_id: str, state: JobState, **fields: object) -> None:
    db = open_project_db(project)
    try:
        JobJournal(db).update(job_id, state, **fields)
    finally:
        db.close()


def test_totals_match_a_full_recompute_through_a_jobs_life(tmp_path: Path) -> None:
    project = ProjectPaths.at(tmp_path / "Mine").ensure()
    other = ProjectPaths.at(tmp_path / "Other").ensure()
    states = list(JobState)
    ids = _jobs(project, 30)
    for n, job_id in enumerate(ids[:20]):
        _update(project, job_id, states[n % len(states)])
    _update(project, ids[20], JobState.DONE, submitted_at="2025-01-02T10:00:00.000+00:00")
    other_ids = _jobs(other, 8)
    _update(other, other_ids[0], JobState.DONE)
    _jobs(project, 4, backend="offline:rehearsal")  # previews cost nothing

    first = spend_totals(project)  # the tally is built here from the rows journaled so far
    assert first == _recompute(project, [other])
    assert first.project_spent > 0 and first.pending > 0 and first.today_spent > 0

    # Later changes go through the triggers: finishing, failing, another day, a deleted row.
    for job_id in ids[20:26]:
        _update(project, job_id, JobState.GENERATING)
    for job_id in ids[20:23]:
        _update(project, job_id, JobState.DONE)
    _update(project, ids[23], JobState.FAILED, error="The model failed.")
    _update(project, ids[24], JobState.GENERATING, estimate_usd=0.5)
    _update(project, ids[0], JobState.DONE, submitted_at="2024-12-31T23:59:59.000+00:00")
    _update(project, ids[1], JobState.DONE, backend="offline:rehearsal")
    db = open_project_db(project)
    try:
        db.execute("DELETE FROM jobs WHERE id = ?", [ids[2]])
        db.conn.commit()
    finally:
        db.close()
    _update(other, other_ids[1], JobState.COMPLETED)
    assert JobState.COMPLETED in SPENT_STATES

    assert spend_totals(project) == _recompute(project, [other])
    assert spend_totals(other) == _recompute(other, [project])


def test_the_tally_reads_a_few_rows_however_many_jobs(tmp_path: Path) -> None:
    project = ProjectPaths.at(tmp_path / "Big").ensure()
    for job_id in _jobs(project, 300):
        _update(project, job_id, JobState.DONE)
    assert spend_totals(project) == _recompute(project, [])
    db = open_project_db(project)
    try:
        rows = db.execute("SELECT COUNT(*) FROM spend_tally").fetchone()[0]
    finally:
        db.close()
    assert rows <= len(set(PRICES))  # one row per day, outcome and estimate
