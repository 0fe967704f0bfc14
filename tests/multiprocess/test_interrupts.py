"""Ctrl+C on `generate`: the first press detaches (the paid job stays at fal and in
the journal), a second one within 3 s cancels it at fal. Both say so, always alike."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

from qcut_ai.services.rehearsal import StandIn

from .conftest import generate_args, qcut, run, wait_all

PROMPT = "a long slow pan over mountains [generate:30]"


def _state(project: Path) -> tuple[str, str] | None:
    try:
        # Read-only: a plain connect would create an empty file the child then refuses.
        conn = sqlite3.connect(f"file:{project / 'qcut-ai.db'}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT id, state FROM jobs").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return (row[0], row[1]) if row else None


def _wait_for_generating(project: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = _state(project)
        if found is not None and found[1] == "generating":
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"the job never started generating: {_state(project)}")


def test_one_ctrl_c_detaches_and_leaves_the_paid_job_at_fal(
    standin: StandIn, tmp_path: Path
) -> None:
    project = tmp_path / "P"
    child = qcut(*generate_args(project, ["wan-2.2-turbo"], PROMPT))
    try:
        job_id = _wait_for_generating(project)
    except AssertionError:
        child.kill()
        wait_all([child])
        raise
    child.send_signal(signal.SIGINT)
    (done,) = wait_all([child])
    assert done.code == 130, done.err
    assert f"stopped waiting; 1 job keeps running at fal and stays in the journal ({job_id})" in (
        done.err
    )
    assert "qcut-ai resume --project" in done.err and "qcut-ai jobs cancel ID" in done.err
    assert standin.cancels == []
    assert _state(project) == (job_id, "generating")

    cancelled = run("jobs", "cancel", job_id, "--project", str(project))
    assert cancelled.code == 0, cancelled.err
    assert "Cancelled at fal." in cancelled.out
    assert [c.request_id for c in standin.cancels] == [standin.submissions[0].request_id]
    assert _state(project) == (job_id, "cancelled")


def test_a_second_ctrl_c_within_three_seconds_cancels_at_fal(
    standin: StandIn, tmp_path: Path
) -> None:
    project = tmp_path / "P"
    child = qcut(*generate_args(project, ["wan-2.2-turbo"], PROMPT))
    try:
        job_id = _wait_for_generating(project)
    except AssertionError:
        child.kill()
        wait_all([child])
        raise
    child.send_signal(signal.SIGINT)
    time.sleep(0.5)
    child.send_signal(signal.SIGINT)
    (done,) = wait_all([child])
    assert done.code == 130, done.err
    assert "stopped waiting; 1 job keeps running at fal" in done.err
    assert "qcut-ai: cancelled 1 job at fal." in done.err
    assert len(standin.cancels) == 1
    assert _state(project) == (job_id, "cancelled")
