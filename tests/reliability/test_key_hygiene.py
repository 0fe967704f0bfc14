"""The fal key never lands anywhere but the keyring (or the user's own FAL_KEY).

A full generate → resume → list cycle runs with a marker key against a
stand-in that accepts only that key, with debug logging on; afterwards every
file written under the app's home and the project (settings, database with
its WAL, sidecars, MP4 metadata, thumbnails, logs) and all captured output
and log records are searched for the key and for its secret half. `key set`
takes the key from stdin, never from the command line.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_support import (
    FAST_SETTINGS,
    HERE,
    KEYRING_FILE_ENV,
    MARKER_KEY,
    MARKER_PARTS,
    all_files,
    assert_nothing_half_made,
    cli,
    journal_rows,
    media_files,
    png,
)

from qcut_ai.library import provenance
from qcut_ai.services.logs import setup_logging, shutdown_logging
from qcut_ai.services.rehearsal import StandIn
from qcut_ai.services.settings_store import SettingsStore


def _leaks(data: bytes | str) -> list[str]:
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    return [part for part in MARKER_PARTS if part.encode() in raw]


def _ids(listing: str) -> list[int]:
    """Media ids from `library list --json` (one JSON document, or one object per line)."""
    try:
        data: Any = json.loads(listing)
    except ValueError:
        data = [json.loads(line) for line in listing.splitlines() if line.strip()]
    if isinstance(data, dict):
        data = data.get("items", [data])
    return [int(item["id"]) for item in data]


@pytest.fixture
def marker_standin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quick_fal_client: None
) -> Iterator[StandIn]:
    """A stand-in that accepts only the marker key, reached the way a proxy would be."""
    with StandIn(
        keys={MARKER_KEY},
        profile="instant",
        media_dir=tmp_path / "standin",
        max_short_side=72,
        max_duration=1.0,
    ) as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", MARKER_KEY)
        SettingsStore().save(FAST_SETTINGS)
        yield server


@pytest.fixture
def debug_log() -> Iterator[Path]:
    path = setup_logging(level=logging.DEBUG)
    try:
        yield path
    finally:
        shutdown_logging()


@pytest.fixture
def spawned(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The command line of every process started during the test (ffmpeg and friends)."""
    seen: list[list[str]] = []
    original = subprocess.Popen.__init__

    def recording(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> None:
        seen.append([str(a) for a in args] if isinstance(args, list | tuple) else [str(args)])
        original(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", recording)
    return seen


def test_generate_resume_list_cycle_never_writes_the_key(
    marker_standin: StandIn,
    debug_log: Path,
    spawned: list[list[str]],
    isolated_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    project = tmp_path / "Project"
    picture = png(tmp_path / "first-frame.png")
    outputs: list[str] = []

    def run(*args: str) -> str:
        code, out, err = cli([*args, "--project", str(project)])
        outputs.extend((out, err))
        assert code == 0, err
        return out

    # A text-to-video job, and an image-to-video job whose first download is refused,
    # so it has to be finished by `resume`; then every way of listing what was made.
    run("generate", "--model", "wan-2.2-turbo", "--prompt", "a lighthouse at dusk", "--yes")
    marker_standin.inject("file-html")
    code, out, err = cli(
        [
            "generate",
            "--model",
            "kling-3-std-i2v",
            "--prompt",
            "the waves roll in",
            "--image",
            str(picture),
            "--yes",
            "--project",
            str(project),
        ]
    )
    outputs.extend((out, err))
    assert code == 1 and any(r["state"] == "downloading" for r in journal_rows(project))
    run("resume")
    run("jobs", "--json")
    run("jobs")
    listed = run("library", "list", "--json")
    run("library", "search", "lighthouse")
    for media_id in _ids(listed):
        run("library", "info", str(media_id), "--json")
    for args in (["key", "status"], ["diagnostics"], ["diagnostics", "--json"]):
        code, out, err = cli(args)
        outputs.extend((out, err))
        assert code == 0, err

    assert len(marker_standin.submissions) == 2 and len(marker_standin.uploads) == 1
    assert_nothing_half_made(project, items=2)
    videos = [p for p in media_files(project) if p.suffix == ".mp4"]
    assert len(videos) == 2
    for video in videos:
        embedded = provenance.read_embedded(video)
        assert embedded is not None and not _leaks(embedded.model_dump_json())

    files = all_files(isolated_home, project, debug_log.parent)
    names = {p.name for p in files}
    assert {"qcut-ai.db", "settings.json", debug_log.name} <= names
    assert any(n.endswith(".qcut.json") for n in names)
    assert debug_log.stat().st_size > 0
    leaked = {str(p): found for p in files if (found := _leaks(p.read_bytes()))}
    assert not leaked, f"the key was written to {leaked}"
    assert not _leaks("\n".join(outputs)), "the key was printed"
    captured = capsys.readouterr()
    assert not _leaks(captured.out + captured.err)
    assert not _leaks(caplog.text), "the key reached a log record"
    assert not _leaks(json.dumps(spawned)), "the key was passed on a command line"
    for submission in marker_standin.submissions:
        assert not _leaks(json.dumps(submission.arguments))


def test_a_refused_or_malformed_key_is_not_echoed(
    marker_standin: StandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = str(tmp_path / "P")
    wrong = MARKER_KEY.replace("5ecret", "wrong0")
    monkeypatch.setenv("FAL_KEY", wrong)
    code, out, err = cli(
        ["generate", "--model", "wan-2.2-turbo", "--prompt", "x", "--project", project]
    )
    assert code != 0 and "refused" in err
    assert wrong.split(":")[1] not in out + err
    monkeypatch.setenv("FAL_KEY", MARKER_KEY + " trailing words")
    code, out, err = cli(["key", "status"])
    assert code != 0 and "malformed" in err
    assert not _leaks(out + err)


def _key_command(
    args: list[str], keyring_file: Path, home: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "reliability_support.FileKeyring",
        KEYRING_FILE_ENV: str(keyring_file),
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "QCUT_AI_HOME": str(home),
    }
    env.pop("FAL_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "qcut_ai", "key", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_key_set_reads_stdin_never_the_command_line(tmp_path: Path, isolated_home: Path) -> None:
    keyring_file = tmp_path / "keyring.json"
    refused = _key_command(["set", MARKER_KEY], keyring_file, isolated_home)
    assert refused.returncode == 2
    assert not keyring_file.exists()  # a key given as an argument is not taken

    saved = _key_command(["set"], keyring_file, isolated_home, stdin=f"  {MARKER_KEY}\n")
    assert saved.returncode == 0, saved.stderr
    assert not _leaks(saved.stdout + saved.stderr)
    assert MARKER_KEY in keyring_file.read_text(encoding="utf-8")

    status = _key_command(["status"], keyring_file, isolated_home)
    assert status.returncode == 0, status.stderr
    assert MARKER_KEY[-4:] in status.stdout and not _leaks(status.stdout + status.stderr)
    leaked = [str(p) for p in all_files(isolated_home) if _leaks(p.read_bytes())]
    assert not leaked
