"""Spend ledger and budgets: only successful outputs cost money; budgets refuse before submit."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.errors import BudgetError
from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import JobRecord, JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.settings import Settings
from qcut_ai.engine.batch import BatchRunner, PlannedJob, journal_batch, plan
from qcut_ai.engine.journal import JobJournal
from qcut_ai.engine.runner import JobRunner
from qcut_ai.engine.spend import (
    UnknownPriceError,
    check_budget,
    record_project,
    spend_report,
    spend_totals,
    today_and_project,
    utc_today,
)
from qcut_ai.engine.spend_registry import registered_projects, registry_path
from qcut_ai.library.project_db import open_project_db
from qcut_ai.services.rehearsal import StandIn

# Published prices with the default arguments: Wan $0.10, Hailuo $0.28, Kling $0.35.
WAN, HAILUO, KLING = "wan-2.2-turbo", "hailuo-2.3-standard", "kling-2.5-turbo-pro"
UNPRICED = "seedance-2.0"  # its default length "auto" has no price before it runs


def _plan(ids: list[str], prompt: str = "a fox") -> list[PlannedJob]:
    return plan([load_catalog().get(i) for i in ids], GenerationRequest(prompt=prompt))


def _journal(
    project: ProjectPaths, ids: list[str], prompt: str = "a fox", backend: str | None = None
) -> list[JobRecord]:
    """Journal a batch the way the CLI and the panel do: project listed first."""
    record_project(project)
    request = GenerationRequest(prompt=prompt)
    db = open_project_db(project)
    try:
        return journal_batch(JobJournal(db), _plan(ids, prompt), request, backend=backend)
    finally:
        db.close()


def _set(project: ProjectPaths, job_id: str, state: JobState, **fields: object) -> None:
    db = open_project_db(project)
    try:
        JobJournal(db).update(job_id, state, **fields)
    finally:
        db.close()


def _project(tmp_path: Path, name: str = "P") -> ProjectPaths:
    return ProjectPaths.at(tmp_path / name).ensure()


@pytest.fixture
def paid(
    setup: tuple[StandIn, JobRunner, ProjectPaths],
) -> tuple[StandIn, JobRunner, ProjectPaths]:
    """A runner talking to the stand-in as if it were fal (not the offline preview)."""
    return setup


def test_every_job_state_is_spent_pending_or_free(tmp_path: Path) -> None:
    project = _project(tmp_path)
    states = list(JobState)
    records = _journal(project, [WAN] * len(states))
    for record, state in zip(records, states, strict=True):
        _set(project, record.id, state)

    report = spend_report([project], None)
    # fal bills completed outputs only; in-flight and "unknown" submits are reserved.
    assert report.spent_usd == Decimal("0.40")  # completed, downloading, ingesting, done
    assert report.pending_usd == Decimal("0.60")  # queued … generating, unknown
    assert (report.total.spent_jobs, report.total.pending_jobs) == (4, 6)
    assert report.total.free_jobs == 2 and report.jobs == len(states)

    db = open_project_db(project)
    try:
        rows = {r["state"]: r for r in db.query("SELECT * FROM spend_ledger")}
    finally:
        db.close()
    assert rows["failed"]["spent_usd"] == 0 and rows["cancelled"]["outcome"] == "free"
    assert rows["done"]["spent_usd"] == 0.1 and rows["unknown"]["outcome"] == "pending"
    assert rows["done"]["price_unit"] == "per_video"
    assert rows["done"]["price_rate"] == "$0.10 per video"


def test_failed_and_cancelled_jobs_at_fal_add_nothing(paid) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = paid
    (ok,) = _journal(project, [KLING])
    (broken,) = _journal(project, [WAN], prompt="a fox [fault:model-error]")
    (waiting,) = _journal(project, [HAILUO], prompt="a fox [queue:60]")

    def cancel_once_queued(event: JobEvent) -> None:
        if event.job_id == waiting.id and event.state is JobState.IN_QUEUE:
            batch.cancel(waiting.id)

    batch = BatchRunner(runner, emit=cancel_once_queued)
    try:
        finals = batch.run([ok.id, broken.id, waiting.id])
    finally:
        batch.shutdown()
    assert [j.state for j in finals] == [JobState.DONE, JobState.FAILED, JobState.CANCELLED]
    assert len(server.submissions) == 3 and len(server.cancels) == 1

    report = spend_report([project], None)
    assert report.spent_usd == Decimal("0.35") and report.pending_usd == 0
    assert (report.total.spent_jobs, report.total.free_jobs) == (1, 2)
    by_model = {line.key: line for line in report.by_model}
    assert by_model[WAN].spent_usd == 0 and by_model[WAN].free_jobs == 1
    assert by_model[HAILUO].spent_usd == 0 and by_model[HAILUO].free_jobs == 1
    assert today_and_project(project) == (Decimal("0.35"), Decimal("0.35"))

    # The $0 jobs leave the budget alone: $0.50 - $0.35 leaves $0.15.
    settings = Settings(daily_budget_usd=0.5)
    check_budget(project, _plan([WAN]), settings)
    with pytest.raises(BudgetError) as refused:
        check_budget(project, _plan([HAILUO]), settings)
    assert str(refused.value).startswith(
        "This batch costs an estimated $0.28 but only $0.15 is left of today's $0.50 budget "
        "($0.35 spent)."
    )


def test_no_budget_set_lets_any_batch_through(tmp_path: Path) -> None:
    project = _project(tmp_path)
    for record in _journal(project, [KLING] * 3):
        _set(project, record.id, JobState.DONE)
    check_budget(project, _plan([KLING, UNPRICED]), Settings())


def test_jobs_in_flight_are_reserved_against_the_budget(tmp_path: Path) -> None:
    project = _project(tmp_path)
    done, running = _journal(project, [KLING, KLING])
    _set(project, done.id, JobState.DONE)
    _set(project, running.id, JobState.GENERATING)
    settings = Settings(daily_budget_usd=1.0)
    check_budget(project, _plan([HAILUO]), settings)  # $0.28 of $0.30 left
    with pytest.raises(BudgetError, match=r"\(\$0\.35 spent, \$0\.35 pending\)"):
        check_budget(project, _plan([KLING]), settings)
    totals = spend_totals(project)
    assert (totals.today_spent, totals.pending) == (Decimal("0.35"), Decimal("0.35"))


def test_daily_budget_sums_every_project_and_the_project_budget_only_this_one(
    tmp_path: Path,
) -> None:
    other, here = _project(tmp_path, "Other"), _project(tmp_path, "Here")
    for record in _journal(other, [KLING, KLING]):
        _set(other, record.id, JobState.DONE)
    record_project(here)
    assert [p.root for p in registered_projects()] == [other.root, here.root]

    daily = Settings(daily_budget_usd=1.0)
    with pytest.raises(BudgetError, match=r"only \$0\.30 is left of today's \$1\.00 budget"):
        check_budget(here, _plan([KLING]), daily)
    check_budget(here, _plan([KLING]), Settings(project_budget_usd=0.5))
    with pytest.raises(BudgetError, match=r"this project's \$0\.30 budget"):
        check_budget(here, _plan([KLING]), Settings(project_budget_usd=0.3))
    assert today_and_project(here) == (Decimal("0.70"), Decimal(0))

    shutil.rmtree(other.root)  # a folder that is gone no longer counts
    check_budget(here, _plan([KLING]), daily)
    assert [p.root for p in registered_projects()] == [here.root]


def test_unknown_price_counts_as_exceeding_unless_confirmed(tmp_path: Path) -> None:
    project = _project(tmp_path)
    planned = _plan([WAN, UNPRICED])
    with pytest.raises(UnknownPriceError) as refused:
        check_budget(project, planned, Settings(daily_budget_usd=50.0))
    assert "1 model without a published price (Seedance 2.0)" in str(refused.value)
    assert refused.value.models == ["Seedance 2.0"]
    check_budget(project, planned, Settings(daily_budget_usd=50.0), unknown_confirmed=True)
    # Confirming an unknown price never lifts a budget the known part already exceeds.
    with pytest.raises(BudgetError, match=r"\$0\.10 but only \$0\.05"):
        check_budget(project, planned, Settings(daily_budget_usd=0.05), unknown_confirmed=True)


def test_offline_preview_batches_cost_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path)
    # An offline preview batch is marked by its backend alone.
    records = _journal(project, [KLING, KLING], backend="offline:http://127.0.0.1:9")
    for record in records:
        _set(project, record.id, JobState.DONE)
    report = spend_report([project], None)
    assert report.spent_usd == 0 and report.jobs == 0 and report.rehearsal_jobs == 2
    check_budget(project, _plan([KLING]), Settings(daily_budget_usd=0.35))


def test_report_totals_by_utc_day_and_model_since_a_day(tmp_path: Path) -> None:
    project = _project(tmp_path)
    today = utc_today()
    days = [today - timedelta(days=2), today - timedelta(days=1), today]
    records = _journal(project, [KLING, WAN, WAN, HAILUO])
    for record, day in zip(records, [days[0], days[1], days[2], days[2]], strict=True):
        _set(project, record.id, JobState.DONE, submitted_at=f"{day.isoformat()}T10:00:00+00:00")

    report = spend_report([project], None)
    assert [(d.key, d.spent_usd, d.jobs) for d in report.by_day] == [
        (days[0].isoformat(), Decimal("0.35"), 1),
        (days[1].isoformat(), Decimal("0.1"), 1),
        (today.isoformat(), Decimal("0.38"), 2),
    ]
    assert [(m.key, m.spent_usd, m.jobs) for m in report.by_model] == [
        (KLING, Decimal("0.35"), 1),  # largest spend first
        (HAILUO, Decimal("0.28"), 1),
        (WAN, Decimal("0.2"), 2),
    ]
    recent = spend_report([project], days[1])
    assert recent.spent_usd == Decimal("0.48") and recent.jobs == 3
    data = recent.to_json()
    assert data["since"] == days[1].isoformat() and data["spent_usd"] == 0.48
    assert today_and_project(project) == (Decimal("0.38"), Decimal("0.83"))


def test_project_list_is_kept_once_per_folder_and_survives_damage(tmp_path: Path) -> None:
    project = _project(tmp_path)
    record_project(project)
    record_project(project)
    data = json.loads(registry_path().read_text(encoding="utf-8"))
    assert data["projects"] == [str(project.root)]
    registry_path().write_text("{not json", encoding="utf-8")
    assert registered_projects() == []
    record_project(project)  # the next batch lists it again
    assert registered_projects() == [project]
    assert not list(registry_path().parent.glob(".spend-projects-*"))


def test_a_damaged_other_project_is_skipped_not_fatal(tmp_path: Path) -> None:
    other, here = _project(tmp_path, "Other"), _project(tmp_path, "Here")
    for record in _journal(other, [KLING]):
        _set(other, record.id, JobState.DONE)
    record_project(here)
    other.database.write_bytes(b"this is not a database at all")
    for side in ("-wal", "-shm"):
        other.database.with_name(other.database.name + side).unlink(missing_ok=True)
    report = spend_report(registered_projects(), None)
    assert report.skipped == [str(other.root)] and report.projects == [str(here.root)]
    check_budget(here, _plan([KLING]), Settings(daily_budget_usd=0.35))


def test_jobs_journaled_against_an_offline_preview_cost_nothing(tmp_path: Path) -> None:
    project = ProjectPaths.at(tmp_path / "P").ensure()
    request = GenerationRequest(prompt="a paper crane")
    planned = plan([load_catalog().get("kling-2.5-turbo-pro")], request)
    db = open_project_db(project)
    journal = JobJournal(db)
    (preview,) = journal_batch(journal, planned, request, backend="offline:http://127.0.0.1:9")
    (paid,) = journal_batch(journal, planned, request, backend="fal")
    for job in (preview, paid):
        journal.update(job.id, JobState.DONE)
    db.close()
    totals = spend_totals(project)
    assert totals.project_spent == planned[0].estimate.usd
