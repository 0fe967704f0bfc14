"""Offline preview with the stand-in in its own process: a job outlives the session that
submitted it, and the next session resumes it into the library."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qcut_ai.core.settings import Settings
from qcut_ai.engine.crashpoints import CRASH_ENV
from qcut_ai.engine.standin_process import OWN_PROCESS_ENV, answers, record_path, recorded
from qcut_ai.services.settings_store import SettingsStore

CHILD_TIMEOUT_S = 180


def _qcut(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qcut_ai", *args],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def own_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    SettingsStore().save(Settings(poll_interval_s=0.05, poll_max_interval_s=0.1))
    monkeypatch.setenv(OWN_PROCESS_ENV, "1")
    try:
        yield
    finally:
        found = recorded()
        if found is not None:
            found.terminate()  # the stand-in a test started ends with the test


def _library(project: Path) -> list[dict[str, object]]:
    listed = _qcut("library", "list", "--project", str(project), "--json")
    assert listed.returncode == 0, listed.stderr
    items: list[dict[str, object]] = json.loads(listed.stdout)
    return items


def test_a_preview_job_cut_off_with_its_session_resumes_in_the_next_one(
    own_process: None, tmp_path: Path
) -> None:
    project = tmp_path / "P"
    prompt = "a moth at a lamp [generate:0.5]"
    submit = ["generate", "--offline", "--model", "wan-2.2-turbo", "--prompt", prompt]
    # The submitting session dies while the stand-in generates.
    cut = _qcut(*submit, "--project", str(project), "--yes", env={CRASH_ENV: "generating"})
    assert cut.returncode == -signal.SIGKILL, cut.stderr
    standin = recorded()
    assert standin is not None and answers(standin)  # it outlived the session
    assert _library(project) == []

    resumed = _qcut("resume", "--offline", "--project", str(project))
    assert resumed.returncode == 0, resumed.stderr
    assert "ended with the session" not in resumed.stdout + resumed.stderr
    (item,) = _library(project)
    assert item["prompt"] == prompt and Path(str(item["path"])).is_file()
    assert recorded() == standin  # the same stand-in served both sessions


def test_a_recorded_stand_in_that_is_gone_is_replaced(own_process: None, tmp_path: Path) -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait(timeout=60)  # its pid, and port 9 on loopback, serve nothing now
    gone = {"base_url": "http://127.0.0.1:9", "pid": ended.pid, "profile": "instant"}
    record_path().write_text(json.dumps(gone), encoding="utf-8")
    made = _qcut("generate", "--offline", "--model", "wan-2.2-turbo", "--prompt", "a kite",
                 "--project", str(tmp_path / "P"), "--yes", "--quiet")  # fmt: skip
    assert made.returncode == 0, made.stderr
    replaced = recorded()
    assert replaced is not None and replaced.base_url != gone["base_url"] and answers(replaced)
    assert len(_library(tmp_path / "P")) == 1
