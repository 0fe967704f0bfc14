"""The fal key goes to fal only, and fal's answers are read within bounds.

A submit answer whose status, result and cancel URLs lead to another host
(here another port on loopback, recording what reaches it) is refused before
it is followed: the other host never sees the key, and the paid job is kept.
A 100 MB result, or a status whose logs grow without end, is refused or
trimmed instead of filling memory and the journal.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from qcut_ai.cli import main
from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.settings import Settings
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.project_db import open_project_db
from qcut_ai.services.fal_http_guard import KeyScope
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.services.settings_store import SettingsStore


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str, str | None]]] = []

    def _answer(self) -> None:
        type(self).seen.append((self.command, self.path, self.headers.get("Authorization")))
        body = b'{"status": "IN_PROGRESS"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, list[tuple[str, str, str | None]]]]:
    """Another host (another port on loopback) that records every request."""
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    SettingsStore().save(Settings(poll_interval_s=0.05, poll_max_interval_s=0.1))
    with StandIn(profile="instant") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
        yield server


def _jobs(project: Path) -> list[object]:
    db = open_project_db(ProjectPaths.at(project))
    try:
        return list(JobJournal(db).recent())
    finally:
        db.close()


def test_answers_pointing_at_another_host_are_refused_and_the_job_is_kept(
    standin: StandIn,
    elsewhere: tuple[str, list[tuple[str, str, str | None]]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, seen = elsewhere
    standin.answer_base = base
    project = tmp_path / "P"
    args = ["generate", "--model", "wan-2.2-turbo", "--prompt", "a kite", "--project", str(project)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "another host" in err and "your key stayed with fal" in err
    (job,) = _jobs(project)
    assert job.request_id and not job.state.terminal  # paid (maybe): kept for resume
    assert job.status_url.startswith(base)

    assert main(["resume", "--project", str(project), "--quiet"]) == 1
    assert "another host" in capsys.readouterr().err
    assert seen == []  # nothing at all was sent there, the key least of all
    assert len(standin.submissions) == 1


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://queue.fal.run/fal-ai/x/requests/1/status", True),
        ("https://rest.fal.ai/storage/upload", True),
        ("https://queue.falrun.com/fal-ai/x/requests/1", True),
        ("https://v3.fal.media/files/upload", True),
        ("http://queue.fal.run/fal-ai/x/requests/1", False),  # never in clear text
        ("https://fal.run.attacker.example/x", False),
        ("https://evilfal.run/x", False),
        ("https://storage.googleapis.com/upload/signed", False),
    ],
)
def test_the_key_scope_names_fal_hosts_over_https_only(url: str, allowed: bool) -> None:
    assert KeyScope().allows(url) is allowed


def test_an_override_base_is_trusted_over_http_only_on_loopback() -> None:
    loopback = KeyScope(override="127.0.0.1:8765", override_scheme="http")
    assert loopback.allows("http://127.0.0.1:8765/fal-ai/x/requests/1/status")
    assert not loopback.allows("http://127.0.0.1:8766/fal-ai/x/requests/1/status")
    proxy = KeyScope(override="proxy.corp.example:8080", override_scheme="http")
    assert not proxy.allows("http://proxy.corp.example:8080/fal-ai/x")
    assert KeyScope(override="proxy.corp.example").allows("https://proxy.corp.example/fal-ai/x")


def test_a_100_mb_result_is_refused_in_one_sentence_and_never_journaled(
    standin: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "P"
    standin.inject("huge-result")
    args = ["generate", "--model", "wan-2.2-turbo", "--prompt", "a kite", "--project", str(project)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "larger than 4 MB" in err and "the job was kept" in err
    (job,) = _jobs(project)
    assert job.state is JobState.GENERATING or not job.state.terminal
    assert job.result is None
    database = ProjectPaths.at(project).database
    sizes = [database.stat().st_size] + [
        Path(str(database) + s).stat().st_size
        for s in ("-wal",)
        if Path(str(database) + s).exists()
    ]
    assert sum(sizes) < 2 * 1024**2


def test_a_result_is_journaled_without_fields_nobody_uses(standin: StandIn, tmp_path: Path) -> None:
    project = tmp_path / "P"
    args = ["generate", "--model", "wan-2.2-turbo", "--prompt", "a kite", "--project", str(project)]
    assert main([*args, "--quiet"]) == 0
    (job,) = _jobs(project)
    assert set(job.result) <= {"video", "seed", "video_id"}
    assert set(job.result["video"]) <= {"url", "content_type", "file_name", "file_size"}


# VmHWM: the peak resident size since exec (ru_maxrss would also count the
# parent's pages at fork time).
FLOOD_CHILD = r"""
import sys
from qcut_ai.cli import main
code = main(sys.argv[1:])
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(status)
sys.exit(code)
"""


def test_a_status_that_logs_without_end_keeps_memory_bounded(
    standin: StandIn, tmp_path: Path
) -> None:
    project = tmp_path / "P"
    standin.inject("logs-flood")
    args = ["generate", "--model", "wan-2.2-turbo", "--project", str(project), "--quiet"]
    args += ["--prompt", "a kite over dunes [generate:8]"]
    child = subprocess.run(
        [sys.executable, "-c", FLOOD_CHILD, *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=dict(os.environ),
    )
    assert child.returncode == 0, child.stderr
    peak_mib = int(child.stdout.strip().splitlines()[-1]) / 1024
    assert peak_mib < 300, f"peak RSS {peak_mib:.0f} MiB"
    (job,) = _jobs(project)
    assert job.state is JobState.DONE
