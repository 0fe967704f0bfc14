"""The log file and the diagnostics report: useful for a bug report, never carrying the key."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from reliability_support import MARKER_KEY, MARKER_PARTS, cli

from qcut_ai import __version__
from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.settings import Settings
from qcut_ai.services import logs
from qcut_ai.services.diagnostics import collect_diagnostics, gather_diagnostics
from qcut_ai.services.logs import redact, remember_secret, setup_logging, shutdown_logging
from qcut_ai.services.rehearsal import StandIn

log = logging.getLogger("qcut_ai.reliability")


@pytest.fixture
def logfile(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("FAL_KEY", MARKER_KEY)
    path = setup_logging()
    try:
        yield path
    finally:
        shutdown_logging()


def _text(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_log_file_is_under_the_app_log_folder_and_set_up_once(logfile: Path) -> None:
    assert logfile.parent == app_dirs().logs
    assert setup_logging() == logfile
    ours = [h for h in logging.getLogger().handlers if getattr(h, "qcut_ai_log", False)]
    assert len(ours) == 1
    log.info("job %s moved to %s", "f00dfeed", "in_queue")
    assert "job f00dfeed moved to in_queue" in _text(logfile)
    assert logfile.stat().st_mode & 0o077 == 0  # prompts are private


def test_the_log_follows_each_job_with_its_request_id(
    fal_env: StandIn, logfile: Path, tmp_path: Path
) -> None:
    project = str(tmp_path / "P")
    code, _, err = cli(
        ["generate", "--model", "wan-2.2-turbo", "--prompt", "x", "--project", project]
    )
    assert code == 0, err
    (submission,) = fal_env.submissions
    lines = [line for line in _text(logfile).splitlines() if submission.request_id in line]
    assert any("done" in line for line in lines), lines
    assert not any(part in _text(logfile) for part in MARKER_PARTS)


def test_log_file_rotates_and_keeps_a_few_backups(
    logfile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutdown_logging()
    monkeypatch.setattr(logs, "MAX_LOG_BYTES", 4096)
    path = setup_logging()
    for n in range(400):
        log.info("line %04d %s", n, "x" * 60)
    shutdown_logging()
    backups = sorted(path.parent.glob(path.name + ".*"))
    assert 1 <= len(backups) <= logs.LOG_BACKUPS
    assert all(p.stat().st_size <= 4096 + 200 for p in [path, *backups])
    assert "line 0399" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "line",
    [
        "submitting with {key}",
        "headers {{'Authorization': 'Key {key}'}}",
        "Authorization: Key {key}",
        "export FAL_KEY={key}",
        "upload token: Bearer abc123def456ghi789",
        "proxy http://user:s3cretpass@proxy.example:8080/",
        "some other key 0a1b2c3d-4e5f:0123456789abcdef0123456789abcdef",
    ],
)
def test_key_shaped_text_is_redacted_in_the_log(logfile: Path, line: str) -> None:
    log.warning(line.format(key=MARKER_KEY))
    text = _text(logfile)
    assert "[redacted]" in text
    for secret in (*MARKER_PARTS, "abc123def456ghi789", "s3cretpass", "0123456789abcdef0123"):
        assert secret not in text


def test_exceptions_and_arguments_are_redacted_too(logfile: Path) -> None:
    try:
        raise RuntimeError(f"request failed with key {MARKER_KEY}")
    except RuntimeError:
        log.exception("upload of %s failed", {"auth": MARKER_KEY})
    text = _text(logfile)
    assert "RuntimeError" in text and "upload of" in text
    assert not any(part in text for part in MARKER_PARTS)


def test_a_key_from_the_keyring_is_redacted_once_remembered(logfile: Path) -> None:
    stored = "keyring-0000:fedcba9876543210fedcba98"
    remember_secret(stored)
    log.info("resolved %s", stored.upper().lower())
    assert stored not in _text(logfile)


def test_ordinary_text_is_left_alone() -> None:
    text = (
        "POST http://127.0.0.1:8123/fal-ai/veo3 request 5f1e-aa status IN_QUEUE at 12:30:45; "
        "error_type:runner_server_error; No user found for Key ID and Secret"
    )
    assert redact(text, []) == text


def test_diagnostics_report_versions_settings_key_status_and_log(logfile: Path) -> None:
    log.info("job cafe0001 done, request 1234-abcd")
    report = gather_diagnostics(Settings(concurrency=2), log_lines=50)
    assert f"qcut-ai {__version__}" in report
    assert "Python 3." in report and "fal-client" in report
    assert "concurrency: 2" in report
    assert "fal key: set, from the FAL_KEY environment variable" in report
    assert "Keyring backend:" in report
    assert "job cafe0001 done" in report
    assert not any(part in report for part in MARKER_PARTS)


def test_diagnostics_never_import_qt() -> None:
    code = (
        "import sys\n"
        "from qcut_ai.services.diagnostics import gather_diagnostics\n"
        "assert 'PySide6' in gather_diagnostics()\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')]\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_diagnostics_when_the_keyring_is_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAL_KEY", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        data = collect_diagnostics(log_lines=0)
    finally:
        keyring.set_keyring(previous)
    assert data["key"]["present"] is False
    assert "no keyring service" in data["key"]["problem"]
    assert data["keyring_backend"].endswith("fail.Keyring")
    assert data["log"] == []


def test_diagnostics_command(logfile: Path) -> None:
    log.info("request 42 with Authorization: Key %s", MARKER_KEY)
    code, out, err = cli(["diagnostics", "--json"])
    assert code == 0, err
    data = json.loads(out)
    assert data["app"]["version"] == __version__
    assert data["key"] == {
        "present": True,
        "source": "FAL_KEY environment variable",
        "problem": None,
    }
    assert any("request 42" in line for line in data["log"])
    assert not any(part in out for part in MARKER_PARTS)
    code, out, err = cli(["diagnostics", "--log-lines", "5"])
    assert code == 0 and "Recent log lines" in out
