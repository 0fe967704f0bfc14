"""Plain helpers for the reliability suite: what a clear error looks like, tiny bad media,
a file-backed keyring for subprocesses, and running the CLI under OS limits."""

from __future__ import annotations

import contextlib
import ctypes
import io
import json
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keyring.backend
import keyring.errors
from PIL import Image

from qcut_ai.cli import main
from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import JobRecord, JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.settings import Settings
from qcut_ai.engine.batch import journal_batch, plan
from qcut_ai.engine.journal import JobJournal
from qcut_ai.engine.runner import JobRunner
from qcut_ai.library.project_db import open_project_db
from qcut_ai.services.fal_gateway import FalGateway, PollPolicy
from qcut_ai.services.rehearsal import StandIn

HERE = Path(__file__).resolve().parent
# A key shaped like fal's "<key id>:<secret>", easy to find in any file.
MARKER_KEY = "qcutmark-7f3a9c1e:5ecret0f1a2b3c4d5e6f7a8b9c0d1e2f"
MARKER_PARTS = (MARKER_KEY, MARKER_KEY.split(":")[1])

FAST_POLL = PollPolicy(interval_s=0.05, max_interval_s=0.1, rate_limit_backoff_s=0.01)
FAST_SETTINGS = Settings(poll_interval_s=0.05, poll_max_interval_s=0.1)
DEFAULT_MODEL = "wan-2.2-turbo"


_RAW = ("Traceback", 'File "', "[object Object]", " object at 0x", "[Errno", "<class ", "\x1b")
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?=\s|$)")  # "flagged.. Rephrase"


def assert_clear_sentence(text: str | None) -> str:
    """One readable line for a person: no traceback, no repr, no raw errno, ends in a stop."""
    assert text is not None, "expected an error for the user, got none"
    text = text.strip()
    assert text, "the error text is empty"
    assert "\n" not in text, f"more than one line: {text!r}"
    assert len(text) < 800, f"far too long for one message: {text[:200]!r}…"
    for raw in _RAW:
        assert raw not in text, f"raw detail {raw!r} in: {text!r}"
    assert not _DOUBLE_STOP.search(text), f"stray double full stop in: {text!r}"
    # A sentence may open with a file or brand name ("notes.mp4 is…", "fal refused…").
    assert text[0].isalnum() or text[0] in "'\"`(", f"not a sentence: {text!r}"
    assert text[-1] in ".!?", f"does not end like a sentence: {text!r}"
    return text


def cli(args: Sequence[str], stdin: str | None = None) -> tuple[int, str, str]:
    """Run `qcut-ai ARGS` in this process; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse refusals
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def cli_error(stderr: str) -> str:
    """The user's sentence from the CLI's last stderr line ("qcut-ai: …")."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "the command failed without saying why"
    last = lines[-1]
    assert last.startswith("qcut-ai: "), f"not the CLI's error line: {last!r}"
    return last.removeprefix("qcut-ai: ")


# -- the job engine against the stand-in ----------------------------------------------


@dataclass
class Engine:
    """The job engine of one project, talking to the stand-in."""

    standin: StandIn
    project: ProjectPaths
    runner: JobRunner
    gateway: FalGateway
    thumbnails: Path
    events: list[JobEvent] = field(default_factory=list)

    def journal(self, model: str = DEFAULT_MODEL, **request: Any) -> str:
        """Journal one job (validated as the CLI does) and return its id."""
        request.setdefault("prompt", "a paper boat on a pond")
        spec = load_catalog().get(model)
        req = GenerationRequest(**request)
        db = open_project_db(self.project)
        try:
            (record,) = journal_batch(JobJournal(db), plan([spec], req), req)
        finally:
            db.close()
        return record.id

    def record(self, job_id: str) -> JobRecord:
        db = open_project_db(self.project)
        try:
            return JobJournal(db).get(job_id)
        finally:
            db.close()

    def run(
        self,
        job_id: str,
        *,
        on_submitted: Callable[[JobEvent], None] | None = None,
        abort: Callable[[], bool] | None = None,
    ) -> JobRecord:
        """Run (or resume) a job to a resting state, as `qcut-ai resume` does."""

        def emit(event: JobEvent) -> None:
            self.events.append(event)
            if on_submitted is not None and event.state is JobState.SUBMITTED:
                on_submitted(event)

        if abort is None:
            return self.runner.run(job_id, emit)
        return self.runner.run(job_id, emit, abort)


# -- the project's state, read straight from its files -------------------------------


def library_count(project: Path) -> int:
    db = project / "qcut-ai.db"
    if not db.exists():
        return 0
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "media" not in tables:
            return 0
        return int(conn.execute("SELECT count(*) FROM media").fetchone()[0])


def journal_rows(project: Path) -> list[dict[str, object]]:
    db = project / "qcut-ai.db"
    if not db.exists():
        return []
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "jobs" not in tables:
            return []
        return [dict(r) for r in conn.execute("SELECT * FROM jobs ORDER BY created_at")]


def media_files(project: Path) -> list[Path]:
    media = project / "media"
    if not media.is_dir():
        return []
    return sorted(p for p in media.iterdir())


def assert_nothing_half_made(project: Path, *, items: int = 0) -> None:
    """No partial or temporary file in the media folder, and exactly `items` library rows."""
    files = media_files(project)
    leftovers = [
        p.name
        for p in files
        if p.name.endswith((".part", ".tmp")) or p.name.startswith(".") or ".tagging" in p.name
    ]
    assert not leftovers, f"half-made files left behind: {leftovers}"
    videos = [p for p in files if not p.name.endswith(".qcut.json")]
    assert len(videos) == items, f"media folder holds {[p.name for p in videos]}"
    assert library_count(project) == items


def all_files(*roots: Path) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
        elif root.is_dir():
            found.extend(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    return found


# -- tiny bad media ----------------------------------------------------------------------


def png(path: Path, size: tuple[int, int] = (160, 90), mode: str = "RGB") -> Path:
    Image.new(mode, size, "orange" if mode == "RGB" else 0).save(path)
    return path


def cmyk_jpeg(path: Path) -> Path:
    Image.new("CMYK", (160, 90), (0, 128, 255, 0)).save(path, "JPEG")
    return path


def animated_gif(path: Path) -> Path:
    frames = [Image.new("RGB", (160, 90), (i * 60, 90, 200 - i * 40)) for i in range(4)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return path


def grown(path: Path, size: int) -> Path:
    """Pad a real file with zeros (sparse) up to `size` bytes: too big, cheaply."""
    with open(path, "r+b") as fh:
        fh.truncate(size)
    return path


def truncated(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    """Silent 8-bit mono audio: ten minutes is under 5 MB."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * int(seconds * rate))
    return path


def text_file(path: Path, text: str = "These are notes, not media.\n") -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- keyrings ------------------------------------------------------------------------------

KEYRING_FILE_ENV = "QCUT_AI_TEST_KEYRING_FILE"


class FileKeyring(keyring.backend.KeyringBackend):
    """A test keyring in a JSON file outside every scanned folder, so a subprocess can use it."""

    priority = -1  # type: ignore[assignment]  # never picked by auto-detection

    def _path(self) -> Path:
        return Path(os.environ[KEYRING_FILE_ENV])

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path().read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._path().write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise keyring.errors.PasswordDeleteError("not stored")
        self._path().write_text(json.dumps(data), encoding="utf-8")


class LockedKeyring(keyring.backend.KeyringBackend):
    """A keyring whose collection stays locked: every call is refused."""

    priority = -1  # type: ignore[assignment]  # never picked by auto-detection

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("the collection is locked")


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A working in-process keyring."""

    priority = -1  # type: ignore[assignment]  # never picked by auto-detection

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.values.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not stored")


# -- running the CLI under OS limits -----------------------------------------------------

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


def _limits(file_size: int | None) -> Callable[[], None]:
    """Runs in the child before exec: honour file permissions even as root, cap file size."""

    def apply() -> None:
        if os.geteuid() == 0:
            # Root ignores permission bits; without these capabilities it cannot.
            libc = ctypes.CDLL(None, use_errno=True)
            for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
                if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                    os._exit(97)
        if file_size is not None:
            # Writing past the limit then fails with EFBIG, like a full disk,
            # instead of killing the process.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return apply


def run_cli_process(
    args: Sequence[str],
    env: dict[str, str],
    *,
    file_size: int | None = None,
    stdin: str | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """`python -m qcut_ai ARGS` in a child that respects permissions and a file size cap."""
    return subprocess.run(
        [sys.executable, "-m", "qcut_ai", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limits(file_size),
        check=False,
    )
