"""`generate` refuses over budget or above the threshold before any submit; `spend` reports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from qcut_ai.cli import main
from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.settings import Settings
from qcut_ai.engine.journal import JobJournal
from qcut_ai.engine.spend import utc_today
from qcut_ai.library.project_db import open_project_db
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.services.settings_store import SettingsStore

KLING, WAN = "kling-2.5-turbo-pro", "wan-2.2-turbo"  # $0.35 and $0.10 a clip


@pytest.fixture
def fal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    """The stand-in reached as fal itself (QCUT_AI_FAL_URL + a key): budgets apply."""
    monkeypatch.delenv("QCUT_AI_STANDIN_FAULTS", raising=False)
    with StandIn(profile="instant", media_dir=tmp_path / "standin") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
        yield server


def _settings(**values: Any) -> None:
    SettingsStore().save(Settings(poll_interval_s=0.05, poll_max_interval_s=0.1, **values))


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _generate(
    capsys: pytest.CaptureFixture[str], project: Path, model: str, *extra: str
) -> tuple[int, str, str]:
    args = ["generate", "--model", model, "--prompt", "a heron", "--quiet"]
    return _run(capsys, *args, "--project", str(project), "--json", *extra)


def _spend(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = _run(capsys, "spend", "--json", *args)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def _job_count(project: Path) -> int:
    db = open_project_db(ProjectPaths.at(project))
    try:
        return len(JobJournal(db).recent())
    finally:
        db.close()


def test_over_budget_batch_submits_nothing_and_a_fitting_one_goes_through(
    fal: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "P"
    _settings(daily_budget_usd=0.4)
    code, _, err = _generate(capsys, project, KLING, "--yes")
    assert code == 0, err
    assert len(fal.submissions) == 1

    code, out, err = _generate(capsys, project, KLING, "--yes")
    assert code == 2 and out == ""
    assert (
        "This batch costs an estimated $0.35 but only $0.05 is left of today's $0.40 budget "
        "($0.35 spent)." in err
    )
    assert len(fal.submissions) == 1  # nothing new reached fal
    assert _job_count(project) == 1  # and nothing was journaled

    code, _, err = _generate(capsys, project, "wan-2.2-turbo", "--yes", "--prompt", "x")
    assert code == 2 and "only $0.05 is left" in err


def test_project_budget_refuses_before_submit(
    fal: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _settings(project_budget_usd=0.5)
    code, _, err = _generate(capsys, tmp_path / "P", f"{KLING},{WAN},{WAN}", "--yes")
    assert code == 2
    assert "$0.55 but only $0.50 is left of this project's $0.50 budget" in err
    assert fal.submissions == []


def test_failed_job_adds_nothing_to_spend(
    fal: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "P"
    _settings(daily_budget_usd=0.35)
    code, _, err = _generate(capsys, project, KLING, "--prompt", "a heron [fault:model-error]")
    assert code == 1 and "failed" in err.lower()
    data = _spend(capsys, "--project", str(project))
    assert data["spent_usd"] == 0 and data["free_jobs"] == 1 and data["jobs"] == 1
    code, _, err = _generate(capsys, project, KLING)  # the whole $0.35 is still there
    assert code == 0, err
    assert len(fal.submissions) == 2


def test_cli_refuses_above_the_confirmation_threshold_without_yes(
    fal: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "P"
    _settings(confirm_above_usd=0.2)
    code, out, err = _generate(capsys, project, KLING)
    assert code == 2 and out == ""
    assert "$0.35, above the $0.20 confirmation threshold" in err and "--yes" in err
    assert fal.submissions == []
    code, _, err = _generate(capsys, project, WAN)  # $0.10 needs no confirmation
    assert code == 0, err
    code, _, err = _generate(capsys, project, KLING, "--yes")
    assert code == 0, err
    assert [s.endpoint for s in fal.submissions] == [
        "fal-ai/wan/v2.2-a14b/text-to-video/turbo",
        "fal-ai/kling-video/v2.5-turbo/pro/text-to-video",
    ]


def test_unknown_price_needs_yes_when_a_budget_is_set(
    fal: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _settings(daily_budget_usd=100.0, confirm_above_usd=50.0)
    code, _, err = _generate(capsys, tmp_path / "P", "seedance-2.0")
    assert code == 2 and "without a published price" in err and "--yes" in err
    assert fal.submissions == []


def test_offline_preview_rehearses_the_budget_and_threshold_and_costs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "P"
    _settings(daily_budget_usd=0.0, confirm_above_usd=0.0)
    code, _, err = _generate(capsys, project, KLING, "--offline", "--yes")
    assert code == 2 and "at fal this batch would be refused" in err and "budget" in err
    assert _job_count(project) == 0  # refused before anything was journaled

    _settings(daily_budget_usd=10.0, confirm_above_usd=0.0)
    code, _, err = _generate(capsys, project, KLING, "--offline")
    assert code == 2 and "would cost at fal an estimated $0.35" in err and "--yes" in err
    assert _job_count(project) == 0

    code, _, err = _generate(capsys, project, KLING, "--offline", "--yes")
    assert code == 0, err
    data = _spend(capsys, "--project", str(project))
    assert data["spent_usd"] == 0 and data["rehearsal_jobs"] == 1 and data["jobs"] == 0


def _seed(project: ProjectPaths, rows: list[tuple[str, str, JobState, str]]) -> None:
    """Journal jobs (model id, name, state, UTC day) as a run would have left them."""
    db = open_project_db(project)
    try:
        journal = JobJournal(db)
        for position, (model_id, name, state, day) in enumerate(rows):
            price = {KLING: 0.35, WAN: 0.1}[model_id]
            job = journal.create(
                batch_id="b1",
                position=position,
                model_id=model_id,
                endpoint=f"fal-ai/{model_id}",
                model_name=name,
                request={"prompt": "x"},
                arguments={"prompt": "x"},
                estimate_usd=price,
                price_unit="per_video",
            )
            journal.update(job.id, state, submitted_at=f"{day}T12:00:00+00:00")
    finally:
        db.close()


def test_spend_json_totals_by_day_and_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from qcut_ai.engine.spend import record_project

    today = utc_today()
    before = (today - timedelta(days=3)).isoformat()
    project = ProjectPaths.at(tmp_path / "P").ensure()
    _seed(
        project,
        [
            (KLING, "Kling", JobState.DONE, before),
            (WAN, "Wan", JobState.DONE, before),
            (WAN, "Wan", JobState.FAILED, before),
            (KLING, "Kling", JobState.DONE, today.isoformat()),
            (KLING, "Kling", JobState.CANCELLED, today.isoformat()),
            (WAN, "Wan", JobState.GENERATING, today.isoformat()),
        ],
    )
    data = _spend(capsys, "--project", str(project.root))
    assert data["spent_usd"] == 0.8 and data["pending_usd"] == 0.1
    assert (data["jobs"], data["spent_jobs"], data["pending_jobs"], data["free_jobs"]) == (
        6,
        3,
        1,
        2,
    )
    assert [(d["day"], d["spent_usd"], d["pending_usd"], d["jobs"]) for d in data["by_day"]] == [
        (before, 0.45, 0.0, 3),
        (today.isoformat(), 0.35, 0.1, 3),
    ]
    assert [
        (m["model_id"], m["model_name"], m["spent_usd"], m["jobs"]) for m in data["by_model"]
    ] == [(KLING, "Kling", 0.7, 3), (WAN, "Wan", 0.1, 3)]

    since = _spend(capsys, "--project", str(project.root), "--since", today.isoformat())
    assert since["spent_usd"] == 0.35 and since["jobs"] == 3

    # Without --project: every project this user generated in.
    other = ProjectPaths.at(tmp_path / "Other").ensure()
    _seed(other, [(WAN, "Wan", JobState.DONE, today.isoformat())])
    record_project(project)
    record_project(other)
    both = _spend(capsys)
    assert both["spent_usd"] == 0.9
    assert {p["project"]: p["spent_usd"] for p in both["by_project"]} == {
        str(project.root): 0.8,
        str(other.root): 0.1,
    }

    code, out, _ = _run(capsys, "spend", "--project", str(project.root))
    assert code == 0
    assert out.startswith("Spent $0.80 on 3 jobs (pending $0.10 on 1 job; 2 jobs failed")
    assert "Kling" in out and today.isoformat() in out


def test_spend_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "spend", "--project", str(tmp_path / "nowhere"))
    assert code == 2 and "There is no project folder" in err
    assert not (tmp_path / "nowhere").exists()
    with pytest.raises(SystemExit):
        main(["spend", "--since", "yesterday"])
    assert "use YYYY-MM-DD" in capsys.readouterr().err
    assert _spend(capsys)["jobs"] == 0  # nothing generated yet
