"""Who is working on what, across processes: leases in the project database.

The window and any number of `qcut-ai` commands may open one project. Before a
process submits, polls, downloads or finishes a job (or finishes a library
item), it claims a lease on it: one row naming the process (host, pid and
the pid's start time, so a reused pid is not mistaken for the owner) with a
heartbeat. Claims are atomic (BEGIN IMMEDIATE). Another process sees the
lease and leaves the work alone; a lease whose owner died (its pid is gone
on this host, or its heartbeat stopped) is taken over.

Leases are re-entrant within one process: the threads of a process share its
identity, and the callers (the batch runner, the Qt job manager) already keep
one worker per job.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from qcut_ai.core.errors import QcutError
from qcut_ai.library.db import apply_migrations, open_database, retry_locked, write_transaction

log = logging.getLogger(__name__)

HEARTBEAT_S = 10.0
# A lease whose heartbeat is older than this is abandoned, whoever holds it: a
# process on another machine (a shared folder), or one that froze.
STALE_S = 90.0

migrations = Migrations("qcut_ai.leases")


@migrations()
def m001_leases(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE leases (
            resource TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            acquired_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX leases_owner ON leases(owner)")


def ensure_leases(db: Database) -> None:
    apply_migrations(db, migrations)


def _now() -> datetime:
    return datetime.now(UTC)


def _proc_start(pid: int) -> str:
    """The pid's start time in clock ticks since boot (Linux), else ''."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            raw = fh.read().decode("ascii", "replace")
    except OSError:
        return ""
    # The command name (field 2) may hold spaces and parentheses: split after it.
    fields = raw.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Owner:
    """One process: where it runs, its pid, and when that pid started."""

    host: str
    pid: int
    started: str

    @property
    def key(self) -> str:
        return f"{self.host}|{self.pid}|{self.started}"

    @classmethod
    def parse(cls, key: str) -> Owner:
        host, _, rest = key.partition("|")
        pid, _, started = rest.partition("|")
        try:
            return cls(host, int(pid), started)
        except ValueError:
            return cls(key, 0, "")

    def describe(self) -> str:
        """How a sentence names it: "pid 1234" (plus "on HOST" elsewhere)."""
        here = self.host == this_process().host
        return f"pid {self.pid}" + ("" if here else f" on {self.host}")

    def alive(self, heartbeat_at: str) -> bool:
        try:
            age = (_now() - datetime.fromisoformat(heartbeat_at)).total_seconds()
        except ValueError:
            age = STALE_S + 1
        if age > STALE_S:
            return False
        me = this_process()
        if self.host != me.host:
            return True  # only the heartbeat can tell
        if self.pid == me.pid:
            return self.started == me.started
        if not pid_alive(self.pid):
            return False
        started = _proc_start(self.pid)
        return not (self.started and started and started != self.started)


_me: Owner | None = None
_me_lock = threading.Lock()


def this_process() -> Owner:
    global _me
    with _me_lock:
        pid = os.getpid()
        if _me is None or _me.pid != pid:  # recomputed after a fork
            _me = Owner(socket.gethostname() or "localhost", pid, _proc_start(pid))
        return _me


class LeaseHeldError(QcutError):
    """Another live qcut-ai process is working on this."""

    def __init__(self, what: str, owner: Owner) -> None:
        super().__init__(
            f"{what} is being finished by another qcut-ai ({owner.describe()}).",
            hint="It is left to that one; it carries on here if that program stops.",
        )
        self.owner = owner


def holder(db: Database, resource: str) -> Owner | None:
    """The live owner of `resource` other than this process, if any."""
    ensure_leases(db)
    row = db.conn.execute(
        "SELECT owner, heartbeat_at FROM leases WHERE resource = ?", [resource]
    ).fetchone()
    if row is None:
        return None
    owner = Owner.parse(row[0])
    if owner.key == this_process().key or not owner.alive(row[1]):
        return None
    return owner


def claim(db: Database, resource: str) -> Owner | None:
    """Take `resource` for this process; None when taken, else its live owner."""
    ensure_leases(db)
    me = this_process()
    stamp = _now().isoformat()
    with write_transaction(db):
        row = db.conn.execute(
            "SELECT owner, heartbeat_at FROM leases WHERE resource = ?", [resource]
        ).fetchone()
        if row is not None and row[0] != me.key:
            owner = Owner.parse(row[0])
            if owner.alive(row[1]):
                return owner
            log.info("taking over %s from %s (no longer running)", resource, owner.key)
        db.conn.execute(
            "INSERT INTO leases (resource, owner, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(resource) DO UPDATE SET owner = excluded.owner, "
            "acquired_at = CASE WHEN leases.owner = excluded.owner THEN leases.acquired_at "
            "ELSE excluded.acquired_at END, heartbeat_at = excluded.heartbeat_at",
            [resource, me.key, stamp, stamp],
        )
    KEEPER.watch(db)
    return None


def claim_or_raise(db: Database, resource: str, what: str) -> None:
    owner = claim(db, resource)
    if owner is not None:
        raise LeaseHeldError(what, owner)


def holds(db: Database, resource: str) -> bool:
    """True while this process holds `resource` (a fence before each paid step)."""
    ensure_leases(db)
    row = db.conn.execute("SELECT owner FROM leases WHERE resource = ?", [resource]).fetchone()
    return row is not None and row[0] == this_process().key


def release(db: Database, resource: str) -> None:
    """Give `resource` up (only if this process holds it)."""
    ensure_leases(db)
    retry_locked(
        lambda: db.conn.execute(
            "DELETE FROM leases WHERE resource = ? AND owner = ?",
            [resource, this_process().key],
        )
    )


def release_all(db: Database) -> None:
    """Give up every lease this process holds in this database."""
    ensure_leases(db)
    retry_locked(
        lambda: db.conn.execute("DELETE FROM leases WHERE owner = ?", [this_process().key])
    )


@contextlib.contextmanager
def leased(db: Database, resource: str, what: str) -> Iterator[None]:
    """Hold `resource` for the block (LeaseHeldError when another process has it)."""
    claim_or_raise(db, resource, what)
    try:
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):
            release(db, resource)


class _Keeper:
    """Refreshes this process's heartbeats in every database it holds leases in.

    One daemon thread for the process, with a connection of its own per file;
    a file is dropped once this process holds no lease there any more.
    """

    def __init__(self) -> None:
        self._paths: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, db: Database) -> None:
        row = db.conn.execute("PRAGMA database_list").fetchone()
        path = row[2] if row else ""
        if not path:
            return
        with self._lock:
            self._paths.add(path)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="qcut-lease-heartbeat", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait(HEARTBEAT_S)
            self._wake.clear()
            with self._lock:
                paths = set(self._paths)
            for path in paths:
                if not self._beat(path):
                    with self._lock:
                        self._paths.discard(path)

    @staticmethod
    def _beat(path: str) -> bool:
        """Refresh the heartbeats in one file; False once nothing is held there.

        Each beat opens the file and closes it again (once every HEARTBEAT_S): a
        connection kept between beats stayed open on a file that was emptied,
        replaced or deleted meanwhile, with its WAL, for as long as the process ran.
        """
        if not os.path.exists(path):
            return False  # no lease is held in a file that is gone
        try:
            # No integrity check: a heartbeat only touches the leases table, and
            # the library's file check reports a damaged file.
            db = open_database(Path(path), create=False, check=False)
        except QcutError as exc:
            log.warning("lease heartbeat in %s failed: %s", path, exc)
            return True  # try again next time; the lease only lapses after STALE_S
        try:
            cursor = retry_locked(
                lambda: db.conn.execute(
                    "UPDATE leases SET heartbeat_at = ? WHERE owner = ?",
                    [_now().isoformat(), this_process().key],
                )
            )
            return bool(cursor.rowcount)
        except (sqlite3.Error, QcutError) as exc:
            log.warning("lease heartbeat in %s failed: %s", path, exc)
            return True  # as above
        finally:
            db.close()


KEEPER = _Keeper()
