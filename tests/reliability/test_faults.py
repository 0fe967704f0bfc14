"""Faults: dropped connections, storms, hangs, a full disk, read-only folders, a locked or
corrupt database, a broken keyring.

For each: the user gets one clear sentence (never a traceback), no half file
enters the media folder or the library, and a job fal already holds (paid)
stays in the journal so that `resume` finishes it, exactly once, when the
fault clears. Disk and permission faults run the real `qcut-ai` in a child
process with a file size limit, or without root's permission override.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.backends.fail
import pytest
from reliability_support import (
    FAST_POLL,
    Engine,
    LockedKeyring,
    MemoryKeyring,
    assert_clear_sentence,
    assert_nothing_half_made,
    cli,
    cli_error,
    journal_rows,
    png,
    run_cli_process,
)

import qcut_ai.library.db as library_db
from qcut_ai.core.errors import QcutError
from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import TERMINAL_STATES, JobRecord, JobState
from qcut_ai.services.fal_gateway import PollPolicy
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn, files_api, queue_api
from qcut_ai.services.secrets import SERVICE, USERNAME

# -- helpers ----------------------------------------------------------------------------------


def drop_answers(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, times: int | None
) -> Callable[[], None]:
    """Make one of the stand-in's routes drop the connection without answering.

    Returns a function that mends the route (the fault clears).
    """
    original = getattr(module, name)
    left = [times]

    def dropping(handler: Any, *args: Any) -> None:
        if left[0] is None or left[0] > 0:
            if left[0] is not None:
                left[0] -= 1
            handler.drop()
            return
        original(handler, *args)

    monkeypatch.setattr(module, name, dropping)
    return lambda: setattr(module, name, original)


def kept_then_resumed(engine: Engine, record: JobRecord, *, clear: Callable[[], None]) -> None:
    """The paid job is open with its reason; once the fault clears, resume lands it once."""
    assert record.request_id, "the job never reached fal"
    assert record.state not in TERMINAL_STATES, f"paid job closed as {record.state}: {record.error}"
    assert_clear_sentence(record.error)
    assert_nothing_half_made(engine.project.root, items=0)
    clear()
    final = engine.run(record.id)
    assert final.state is JobState.DONE, final.error
    assert len(engine.standin.submissions) == 1
    assert_nothing_half_made(engine.project.root, items=1)


def done_or_resumed(engine: Engine, record: JobRecord, *, clear: Callable[[], None]) -> None:
    """A blip may be absorbed by retries; if not, the job must be kept and resumable."""
    if record.state is JobState.DONE:
        assert len(engine.standin.submissions) == 1
        assert_nothing_half_made(engine.project.root, items=1)
        return
    kept_then_resumed(engine, record, clear=clear)


def child_env(standin: StandIn, key: str = OFFLINE_KEY) -> dict[str, str]:
    return {**os.environ, "QCUT_AI_FAL_URL": standin.base_url, "FAL_KEY": key}


@contextlib.contextmanager
def using_keyring(backend: keyring.backend.KeyringBackend) -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield
    finally:
        keyring.set_keyring(previous)


# -- dropped connections, on every kind of request ---------------------------------------------


def test_dropped_submit_answer_is_never_sent_twice(engine: Engine) -> None:
    engine.standin.inject("drop-submit")
    job_id = engine.journal()
    record = engine.run(job_id)
    assert record.state is JobState.UNKNOWN
    assert "may or may not" in assert_clear_sentence(record.error)
    assert engine.run(job_id).state is JobState.UNKNOWN  # a resume does not resend it
    assert len(engine.standin.submissions) == 1
    assert_nothing_half_made(engine.project.root)


@pytest.mark.parametrize("times", [1, 6], ids=["blip", "storm"])
def test_dropped_status_polls(engine: Engine, times: int) -> None:
    engine.standin.inject("drop-status", times=times)
    record = engine.run(engine.journal())
    done_or_resumed(engine, record, clear=engine.standin.clear_faults)


def test_dropped_result_fetch(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    mend = drop_answers(monkeypatch, queue_api, "result", times=None)
    record = engine.run(engine.journal())
    kept_then_resumed(engine, record, clear=mend)


def test_dropped_cancel_keeps_the_job_fal_still_runs(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    mend = drop_answers(monkeypatch, queue_api, "cancel", times=None)
    standin = engine.standin
    record = engine.run(
        engine.journal(prompt="a slow harbour [queue:1]"), abort=lambda: bool(standin.submissions)
    )
    # The cancel never reached fal, so the job runs on (and is billed): keep it.
    kept_then_resumed(engine, record, clear=mend)
    assert standin.cancels == []


def test_dropped_upload_sends_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for route in ("cdn_upload", "multipart_create", "storage_initiate"):
        drop_answers(monkeypatch, files_api, route, times=None)
    picture = png(tmp_path / "first.png")
    record = engine.run(engine.journal("kling-3-std-i2v", prompt="waves", image=str(picture)))
    assert record.state is JobState.FAILED
    assert_clear_sentence(record.error)
    assert engine.standin.submissions == []  # nothing was paid for
    assert_nothing_half_made(engine.project.root)


def test_dropped_download_resumes_with_range(engine: Engine) -> None:
    engine.standin.inject("drop-download", times=1)
    record = engine.run(engine.journal())
    if record.state is JobState.DONE:  # the cut-off body was continued, not restarted
        assert [d for d in engine.standin.downloads if d.method == "GET" and d.range]
    done_or_resumed(engine, record, clear=engine.standin.clear_faults)


# -- storms --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "words"), [("http-429", "rate limiting"), ("http-500", "server error")]
)
def test_submit_storm_fails_cleanly_and_pays_nothing(
    engine: Engine, fault: str, words: str
) -> None:
    engine.standin.inject(fault, times=None)
    record = engine.run(engine.journal())
    assert record.state is JobState.FAILED  # fal refused it: nothing is held or billed
    assert words in assert_clear_sentence(record.error)
    assert engine.standin.submissions == []
    assert_nothing_half_made(engine.project.root)


def test_status_429_storm_keeps_the_job(engine: Engine) -> None:
    engine.standin.inject("http-429-status", times=8)
    record = engine.run(engine.journal())
    done_or_resumed(engine, record, clear=engine.standin.clear_faults)


# -- hangs past deadlines --------------------------------------------------------------------------


def test_hanging_submit_is_reported_uncertain_and_not_resent(engine: Engine) -> None:
    engine.standin.hang_seconds = 2.0
    engine.gateway.submit_timeout_s = 0.3
    engine.standin.inject("hang", times=None)
    job_id = engine.journal()
    record = engine.run(job_id)
    assert record.state is JobState.UNKNOWN
    assert "dashboard" in assert_clear_sentence(record.error)
    assert engine.run(job_id).state is JobState.UNKNOWN
    assert_nothing_half_made(engine.project.root)


def test_hanging_status_polls_keep_the_job(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import fal_client.client as fal_module
    import httpx

    monkeypatch.setattr(fal_module, "QUEUE_POLL_TIMEOUT", httpx.Timeout(0.3))
    engine.standin.hang_seconds = 2.0
    engine.standin.inject("hang-status", times=4)
    record = engine.run(engine.journal())
    done_or_resumed(engine, record, clear=engine.standin.clear_faults)


class _ShortDeadline(PollPolicy):
    def deadline_for(self, typical_seconds: float) -> float:
        return 0.3


def test_job_past_its_deadline_is_kept_and_resumed(engine: Engine) -> None:
    engine.gateway.poll = _ShortDeadline(interval_s=0.05, max_interval_s=0.1)
    record = engine.run(engine.journal(prompt="a long queue [queue:1.5]"))
    assert "has not finished" in (record.error or "")

    def normal_deadline() -> None:
        engine.gateway.poll = FAST_POLL

    kept_then_resumed(engine, record, clear=normal_deadline)


# -- the disk and the project folder ------------------------------------------------------------


def _completed_job(engine: Engine) -> JobRecord:
    """A job fal has finished (paid), its result not yet downloaded."""
    record = engine.runner.generate(engine.journal())
    assert record.state is JobState.COMPLETED
    return record


def _resume_in_process(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCUT_AI_FAL_URL", engine.standin.base_url)
    monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
    code, _, err = cli(["resume", "--quiet", "--project", str(engine.project.root)])
    assert code == 0, err
    assert_nothing_half_made(engine.project.root, items=1)
    assert len(engine.standin.submissions) == 1


def test_disk_full_while_downloading(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    engine.standin.max_short_side = None  # a 720p result: far bigger than the file size cap
    record = _completed_job(engine)
    child = run_cli_process(
        ["resume", "--quiet", "--project", str(engine.project.root)],
        child_env(engine.standin),
        file_size=400 * 1024,
    )
    assert child.returncode not in (0, 70), child.stderr
    text = assert_clear_sentence(cli_error(child.stderr).split(": ", 1)[-1])
    assert any(w in text.lower() for w in ("disk", "space", "full")), text
    assert engine.record(record.id).state in (JobState.COMPLETED, JobState.DOWNLOADING)
    assert_nothing_half_made(engine.project.root)
    _resume_in_process(engine, monkeypatch)


def test_read_only_media_folder(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    record = _completed_job(engine)
    media = engine.project.media
    media.chmod(0o555)
    try:
        child = run_cli_process(
            ["resume", "--quiet", "--project", str(engine.project.root)], child_env(engine.standin)
        )
    finally:
        media.chmod(0o755)
    assert child.returncode not in (0, 70), child.stderr
    text = assert_clear_sentence(cli_error(child.stderr).split(": ", 1)[-1])
    assert any(
        w in text.lower() for w in ("read-only", "permission", "not writable", "cannot write")
    )
    assert not engine.record(record.id).state.terminal
    assert_nothing_half_made(engine.project.root)
    _resume_in_process(engine, monkeypatch)


def test_read_only_project_folder(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    record = _completed_job(engine)
    root = engine.project.root
    database = root / "qcut-ai.db"
    before = database.read_bytes()
    files = [database, *root.glob("qcut-ai.db-*")]
    for path in files:
        path.chmod(0o444)
    root.chmod(0o555)
    try:
        child = run_cli_process(
            ["resume", "--quiet", "--project", str(root)], child_env(engine.standin)
        )
    finally:
        root.chmod(0o755)
        for path in files:
            path.chmod(0o644)
    assert child.returncode not in (0, 70), child.stderr
    text = assert_clear_sentence(cli_error(child.stderr))
    assert "damaged" not in text  # a read-only folder is not a corrupt database
    assert any(
        w in text.lower() for w in ("read-only", "permission", "not writable", "cannot write")
    )
    assert database.read_bytes() == before
    assert not list(root.glob("*.bak"))
    assert not engine.record(record.id).state.terminal
    _resume_in_process(engine, monkeypatch)


# -- the database ----------------------------------------------------------------------------------


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_db, "BUSY_TIMEOUT_MS", 200)


@contextlib.contextmanager
def write_locked(database: Path) -> Iterator[sqlite3.Connection]:
    """Another program holding the project's write lock."""
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield conn
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        conn.close()


def test_locked_database_before_generating(
    fal_env: StandIn, tmp_path: Path, short_busy_timeout: None
) -> None:
    project = tmp_path / "P"
    assert cli(["jobs", "--project", str(project)])[0] == 0  # the project exists
    with write_locked(project / "qcut-ai.db"):
        code, _, err = cli(
            ["generate", "--model", "wan-2.2-turbo", "--prompt", "x", "--project", str(project)]
        )
    assert code not in (0, 70), err
    assert "locked" in assert_clear_sentence(cli_error(err)).lower()
    assert fal_env.submissions == []
    assert_nothing_half_made(project)


def test_database_locked_mid_job_keeps_the_paid_job(
    engine: Engine, short_busy_timeout: None
) -> None:
    database = engine.project.root / "qcut-ai.db"
    holder: list[Any] = []

    def lock(_event: JobEvent) -> None:
        holder.append(write_locked(database))
        holder[0].__enter__()

    job_id = engine.journal(prompt="a lighthouse [queue:0.3]")
    try:
        try:
            record = engine.run(job_id, on_submitted=lock)
            error = record.error
        except QcutError as exc:
            error = exc.user_text()
    finally:
        if holder:
            holder[0].__exit__(None, None, None)
    assert "locked" in assert_clear_sentence(error).lower()
    kept = engine.record(job_id)
    assert kept.request_id and not kept.state.terminal
    assert_nothing_half_made(engine.project.root)
    final = engine.run(job_id)
    assert final.state is JobState.DONE, final.error
    assert len(engine.standin.submissions) == 1


@pytest.mark.parametrize("damage", ["not-sqlite", "bad-page"])
def test_corrupt_database_is_refused_backed_up_and_never_recreated(
    tmp_path: Path, damage: str
) -> None:
    project = tmp_path / "P"
    database = project / "qcut-ai.db"
    if damage == "not-sqlite":
        project.mkdir()
        database.write_bytes(b"this is not a database\n" * 200)
    else:
        assert cli(["jobs", "--project", str(project)])[0] == 0
        data = bytearray(database.read_bytes())
        data[4096:8192] = b"\xa5" * 4096  # a whole page of the schema's tables
        database.write_bytes(bytes(data))
    damaged = database.read_bytes()
    for args in (
        ["jobs"],
        ["resume", "--offline"],
        ["library", "list"],
        ["generate", "--offline", "--model", "wan-2.2-turbo", "--prompt", "x"],
    ):
        code, _, err = cli([*args, "--project", str(project)])
        assert code not in (0, 70), (args, err)
        assert "damaged" in assert_clear_sentence(cli_error(err))
    assert database.read_bytes() == damaged  # never silently recreated
    backups = list(project.glob("qcut-ai.db.corrupt-*.bak"))
    assert backups and backups[0].read_bytes() == damaged


# -- the keyring -----------------------------------------------------------------------------------


def _unfinished_paid_job(standin: StandIn, project: Path) -> None:
    """Generate with the key from the environment; the download fails, so the job stays open."""
    standin.inject("file-html")
    code, _, _ = cli(
        ["generate", "--model", "wan-2.2-turbo", "--prompt", "x", "--project", str(project)]
    )
    assert code == 1
    (row,) = journal_rows(project)
    assert row["state"] == JobState.DOWNLOADING.value


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        (keyring.backends.fail.Keyring(), "no keyring service"),
        (LockedKeyring(), "Unlock"),
    ],
    ids=["no-backend", "locked"],
)
def test_keyring_without_backend_or_locked(
    fal_env: StandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    backend: keyring.backend.KeyringBackend,
    words: str,
) -> None:
    project = tmp_path / "P"
    _unfinished_paid_job(fal_env, project)
    monkeypatch.delenv("FAL_KEY")
    with using_keyring(backend):
        for args in (
            ["key", "status"],
            ["resume", "--quiet", "--project", str(project)],
            ["generate", "--model", "wan-2.2-turbo", "--prompt", "x", "--project", str(project)],
        ):
            code, _, err = cli(args)
            assert code not in (0, 70), (args, err)
            text = assert_clear_sentence(cli_error(err))
            assert words in text and "FAL_KEY" in text, text
        code, _, err = cli(["key", "set"], stdin=OFFLINE_KEY + "\n")
        assert code not in (0, 70) and words in assert_clear_sentence(cli_error(err))
    (row,) = journal_rows(project)
    assert row["state"] == JobState.DOWNLOADING.value  # the paid job is still there
    working = MemoryKeyring()
    working.set_password(SERVICE, USERNAME, OFFLINE_KEY)
    with using_keyring(working):
        code, _, err = cli(["resume", "--quiet", "--project", str(project)])
    assert code == 0, err
    assert_nothing_half_made(project, items=1)
    assert len(fal_env.submissions) == 1


def test_the_environment_key_works_when_the_keyring_is_broken(
    fal_env: StandIn, tmp_path: Path
) -> None:
    project = tmp_path / "P"
    with using_keyring(LockedKeyring()):
        code, _, err = cli(
            ["generate", "--model", "wan-2.2-turbo", "--prompt", "x", "--project", str(project)]
        )
    assert code == 0, err
    assert_nothing_half_made(project, items=1)
