"""The offline stand-in as a process of its own, shared by every qcut-ai of this user.

In-process, the stand-in ends with the window, and so do its jobs: the next
session can only close them ("ended with the session that ran it"). Run as
its own process it outlives the session that started it, keeps its address,
and so keeps the journal's backend (`offline:<url>`) valid: the next session
finds it, and resumes and finishes the jobs it holds, as it would at fal.

The process is recorded in the app's data folder (`standin.json`: URL, pid,
profile). A recorded process that no longer answers is replaced. It stops by
itself after a long idle time (`qcut-ai standin --idle-exit`).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.errors import ConfigError

OWN_PROCESS_ENV = "QCUT_AI_STANDIN_PROCESS"  # "1": run the stand-in as its own process
RECORD_NAME = "standin.json"
IDLE_EXIT_S = 6 * 3600  # long enough for any preview job; then it ends by itself
START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class StandInProcess:
    """A stand-in running in its own process; closing a connection leaves it running."""

    base_url: str
    pid: int
    profile: str

    @property
    def url_host(self) -> str:
        return self.base_url.split("://", 1)[-1].split("/", 1)[0]

    def stop(self) -> None:
        """Nothing to do: it outlives the session so its jobs can resume in the next."""

    def terminate(self) -> None:
        """End the process for good (tests, and `qcut-ai standin --stop`)."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, 15)


def own_process_wanted(setting: bool = False) -> bool:
    return setting or os.environ.get(OWN_PROCESS_ENV, "").strip() in ("1", "true", "yes")


def record_path() -> Path:
    return app_dirs().ensure().data / RECORD_NAME


def recorded() -> StandInProcess | None:
    """The stand-in process last started for this user, if its record is readable."""
    try:
        data = json.loads(record_path().read_text(encoding="utf-8"))
        return StandInProcess(str(data["base_url"]), int(data["pid"]), str(data["profile"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def answers(process: StandInProcess, timeout_s: float = 2.0) -> bool:
    """True when the recorded process is alive and serving at its address."""
    try:
        os.kill(process.pid, 0)
    except OSError:
        return False
    try:
        with urllib.request.urlopen(process.base_url + "/", timeout=timeout_s):
            return True
    except urllib.error.HTTPError:
        return True  # it answered, only not with a page for "/"
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def _starting_lock() -> Iterator[None]:
    """One starter at a time, so two sessions opening at once share one stand-in."""
    path = record_path().with_suffix(".lock")
    with open(path, "a+b") as handle:  # a lock file of its own, never a database
        try:
            import fcntl
        except ImportError:  # Windows: the race is only a second stand-in
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def shared_standin(profile: str) -> StandInProcess:
    """The running stand-in process with this profile, started (detached) when none is."""
    with _starting_lock():
        found = recorded()
        if found is not None and found.profile == profile and answers(found):
            return found
        started = _start(profile)
        tmp = record_path().with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(started)), encoding="utf-8")
        tmp.replace(record_path())
        return started


def _start(profile: str) -> StandInProcess:
    argv = [sys.executable, "-m", "qcut_ai", "standin", "--port", "0", "--profile", profile]
    argv += ["--idle-exit", str(IDLE_EXIT_S)]
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # not ended with this session's terminal or process group
    )
    first: list[str] = []
    out = proc.stdout
    assert out is not None
    reader = threading.Thread(target=lambda: first.append(out.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT_S)
    url = first[0].strip() if first else ""
    out.close()  # it prints its URL once; it never writes to stdout again
    if not url.startswith("http://"):
        proc.kill()
        raise ConfigError(
            "The offline stand-in process did not start.",
            hint="Run `qcut-ai standin` in a terminal to see why.",
        )
    return StandInProcess(url, proc.pid, profile)
