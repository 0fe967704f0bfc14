"""A real crash (SIGKILL) at every pipeline step, then `qcut-ai resume`.

Each case runs `qcut-ai generate` as a child process against a stand-in on
loopback, kills it with SIGKILL at a named point (QCUT_AI_CRASH_AT), and
checks that `resume` leaves the video in the library exactly once while fal
(the stand-in) saw exactly one submit.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qcut_ai.cli import main
from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.settings import Settings
from qcut_ai.engine.crashpoints import CRASH_ENV, POINTS
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.services.settings_store import SettingsStore

# Short stand-in queue and generation phases so each point is reached for real.
PROMPT = "a red fox crossing fresh snow [queue:0.4] [generate:0.4]"


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    SettingsStore().save(Settings(poll_interval_s=0.05, poll_max_interval_s=0.1))
    with StandIn(profile="instant") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
        yield server


def _generate_until_killed(project: Path, point: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "qcut_ai", "generate", "--model", "wan-2.2-turbo"]
    argv += ["--prompt", PROMPT, "--project", str(project), "--json", "--yes"]
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, CRASH_ENV: point},
    )


def _state(project: Path) -> tuple[list[JobState], int, list[Path]]:
    paths = ProjectPaths.at(project)
    db = open_project_db(paths)
    try:
        states = [j.state for j in JobJournal(db).recent()]
        count = MediaRepository(db, paths.root).count()
    finally:
        db.close()
    files = sorted(p for p in paths.media.iterdir() if not p.name.endswith(".qcut.json"))
    return states, count, files


# "submit-unsaved" leaves an uncertain job and "before-finish" a finished one whose
# library item is not: each has its own test.
@pytest.mark.parametrize(
    "point", [p for p in POINTS if p not in ("submit-unsaved", "before-finish")]
)
def test_resume_after_sigkill_lands_the_video_exactly_once(
    standin: StandIn, tmp_path: Path, point: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "P"
    crashed = _generate_until_killed(project, point)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert len(standin.submissions) == 1

    assert main(["resume", "--project", str(project), "--json", "--quiet"]) == 0
    (resumed,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert resumed["state"] == "done"

    # A second resume finds nothing to do and changes nothing.
    assert main(["resume", "--project", str(project), "--json", "--quiet"]) == 0
    capsys.readouterr()
    states, count, files = _state(project)
    assert states == [JobState.DONE]
    assert count == 1
    assert len(files) == 1 and files[0].suffix == ".mp4", files  # no .part, no duplicate
    assert len(standin.submissions) == 1


def test_a_crash_between_post_and_saving_the_id_is_never_resubmitted(
    standin: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "P"
    crashed = _generate_until_killed(project, "submit-unsaved")
    assert crashed.returncode == -signal.SIGKILL
    assert len(standin.submissions) == 1

    assert main(["resume", "--project", str(project), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "dashboard" in err
    states, count, _ = _state(project)
    assert states == [JobState.UNKNOWN]
    assert count == 0
    assert len(standin.submissions) == 1  # never sent twice

    # The user can still see what was sent, to find it at fal.
    assert main(["jobs", "--project", str(project), "--json"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["state"] == "unknown" and "fox" in row["prompt"]


def test_a_crash_before_the_clip_is_finished_is_mended_by_resume(
    standin: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Killed after the clip was listed, before its tags, hash and filmstrip: `resume`
    finishes the item (there is no job left to resume) and clears the temporary copy."""
    from qcut_ai.library.provenance import read_embedded

    project = tmp_path / "P"
    crashed = _generate_until_killed(project, "before-finish")
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    media = ProjectPaths.at(project).media
    # A temporary copy a crashed tagger left behind (its pid is gone).
    stale = media / ".clip.tagging-999999999-1.mp4"
    stale.write_bytes(b"half a copy")

    db = open_project_db(ProjectPaths.at(project))
    try:
        (item,) = MediaRepository(db, project).list_recent()
    finally:
        db.close()
    assert item.probe.sha256 == "" and item.filmstrip is None

    assert main(["resume", "--project", str(project), "--json", "--quiet"]) == 0
    (answer,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert answer == {"resumed": 0, "finished_items": 1}
    db = open_project_db(ProjectPaths.at(project))
    try:
        (item,) = MediaRepository(db, project).list_recent()
    finally:
        db.close()
    assert item.probe.sha256 and item.filmstrip
    assert read_embedded(Path(item.path)) is not None
    assert not stale.exists()
    assert len(standin.submissions) == 1
