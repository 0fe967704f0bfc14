"""Several real qcut-ai processes on one project, against one stand-in on loopback.

The stand-in runs in the test process, so it counts every submit from every
child; the children reach it through QCUT_AI_FAL_URL with the offline key,
exactly as they would reach fal. Every child is bounded in time.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from qcut_ai.core.settings import Settings
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.services.settings_store import SettingsStore
from tests.open_files import open_files

CHILD_TIMEOUT_S = 180
# Words that must never reach a user for ordinary contention between processes.
FORBIDDEN_WORDS = ("database is locked", "malformed", "internal error", "is locked by another")
MODELS = ("wan-2.2-turbo", "kling-2.5-turbo-pro", "hailuo-2.3-standard")


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    SettingsStore().save(Settings(poll_interval_s=0.05, poll_max_interval_s=0.1))
    with StandIn(profile="instant") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
        yield server


def qcut(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start `qcut-ai ARGS` as a child process (stdout and stderr captured)."""
    return subprocess.Popen(
        [sys.executable, "-m", "qcut_ai", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


@dataclass(frozen=True)
class Finished:
    code: int
    out: str
    err: str


def wait_all(children: Sequence[subprocess.Popen[str]]) -> list[Finished]:
    done = []
    for child in children:
        try:
            out, err = child.communicate(timeout=CHILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
            pytest.fail(f"a child ran past {CHILD_TIMEOUT_S} s: {err[-2000:]}")
        done.append(Finished(child.returncode, out, err))
    return done


def run(*args: str, env: dict[str, str] | None = None) -> Finished:
    return wait_all([qcut(*args, env=env)])[0]


def generate_args(project: Path, models: Sequence[str], prompt: str) -> list[str]:
    args = ["generate", "--project", str(project), "--prompt", prompt, "--yes", "--json"]
    for model in models:
        args += ["--model", model]
    return args


def assert_no_contention_shown(*finished: Finished) -> None:
    for f in finished:
        text = (f.out + f.err).lower()
        for word in FORBIDDEN_WORDS:
            assert word not in text, f.err


def crash_generate(project: Path, models: Sequence[str], prompt: str, point: str) -> None:
    """`generate` killed with SIGKILL at a crash point."""
    crashed = run(*generate_args(project, models, prompt), env={"QCUT_AI_CRASH_AT": point})
    assert crashed.code == -signal.SIGKILL, crashed.err


@dataclass(frozen=True)
class ProjectFacts:
    states: list[str]
    items: int
    unfinished: int  # generated items without hash or filmstrip
    integrity: str
    leftovers: list[str]  # .part files and temporary copies in media/


def facts(project: Path) -> ProjectFacts:
    """Read the project with plain sqlite3, after every child has exited."""
    conn = sqlite3.connect(f"file:{project / 'qcut-ai.db'}?mode=ro", uri=True)
    try:
        states = [r[0] for r in conn.execute("SELECT state FROM jobs ORDER BY created_at")]
        items = conn.execute("SELECT count(*) FROM media").fetchone()[0]
        unfinished = conn.execute(
            "SELECT count(*) FROM media WHERE origin = 'ai' "
            "AND (sha256 = '' OR filmstrip IS NULL OR thumbnail IS NULL)"
        ).fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    leftovers = sorted(
        p.name
        for p in (project / "media").iterdir()
        if p.name.endswith(".part") or p.name.startswith(".")
    )
    return ProjectFacts(states, items, unfinished, integrity, leftovers)


def tags_embedded(project: Path) -> int:
    """How many generated files carry their provenance in their own tags."""
    from qcut_ai.library.provenance import read_embedded

    return sum(1 for p in (project / "media").glob("*.mp4") if read_embedded(p) is not None)


def deleted_database_files(pid: int) -> list[str]:
    """Descriptors of process `pid` that point at a deleted project database file.

    Unreachable connections left by earlier tests are collected first (in this
    process, cycles are only collected on the main thread's timer): what counts
    is a connection something still holds."""
    if pid == os.getpid():
        gc.collect()
    return [t for t in open_files(pid) if "qcut-ai.db" in t and t.endswith("(deleted)")]


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]
