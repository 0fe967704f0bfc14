"""Two `generate` runs, and two `resume` runs after a crash, on one project.

Every job is paid once (submits at the stand-in == jobs), every finished job
has exactly one library item, every item is finished (hash, provenance tags,
filmstrip), the database is sound, and no process shows contention.
"""

from __future__ import annotations

from pathlib import Path

from qcut_ai.services.rehearsal import StandIn

from .conftest import (
    MODELS,
    assert_no_contention_shown,
    crash_generate,
    facts,
    generate_args,
    json_lines,
    qcut,
    tags_embedded,
    wait_all,
)


def test_two_generate_runs_on_one_project_land_every_paid_clip(
    standin: StandIn, tmp_path: Path
) -> None:
    project = tmp_path / "P"
    runs = wait_all(
        [
            qcut(*generate_args(project, MODELS, "a heron lifting off a misty lake")),
            qcut(*generate_args(project, MODELS, "a tram passing in the rain at night")),
        ]
    )
    for run in runs:
        assert run.code == 0, run.err
        assert len(json_lines(run.out)) == len(MODELS)
    assert_no_contention_shown(*runs)

    found = facts(project)
    assert len(standin.submissions) == 2 * len(MODELS)
    assert found.states == ["done"] * (2 * len(MODELS))
    assert found.items == 2 * len(MODELS)
    assert found.unfinished == 0
    assert found.integrity == "ok"
    assert found.leftovers == []
    assert tags_embedded(project) == 2 * len(MODELS)


def test_two_resume_runs_after_a_crash_finish_each_job_once(
    standin: StandIn, tmp_path: Path
) -> None:
    project = tmp_path / "P"
    crash_generate(project, MODELS, "paper lanterns rising [generate:0.6]", "generating")
    assert len(standin.submissions) == 1  # the first job was at fal; two never left

    runs = wait_all(
        [
            qcut("resume", "--project", str(project), "--json", "--quiet"),
            qcut("resume", "--project", str(project), "--json", "--quiet"),
        ]
    )
    for run in runs:
        assert run.code == 0, run.err
    assert_no_contention_shown(*runs)

    found = facts(project)
    assert len(standin.submissions) == len(MODELS)  # each job paid exactly once
    assert {s.endpoint for s in standin.submissions} == {s.endpoint for s in standin.submissions}
    assert found.states == ["done"] * len(MODELS)
    assert found.items == len(MODELS)
    assert found.unfinished == 0
    assert found.integrity == "ok"
    assert found.leftovers == []


def test_resume_during_a_download_never_shares_the_part_file(
    standin: StandIn, tmp_path: Path
) -> None:
    project = tmp_path / "P"
    crash_generate(project, MODELS[:1], "a glacier calving", "mid-download")
    runs = wait_all([qcut("resume", "--project", str(project), "--quiet") for _ in range(3)])
    for run in runs:
        assert run.code == 0, run.err
    assert_no_contention_shown(*runs)
    found = facts(project)
    assert len(standin.submissions) == 1
    assert found.states == ["done"]
    assert found.items == 1 and found.unfinished == 0
    assert found.leftovers == []
