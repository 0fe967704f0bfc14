"""Open the project's SQLite file with the pragmas and checks every user needs.

One file holds several migration sets (the library's, the job journal's…);
each owner opens it through `open_database` and applies its own set.

Several processes (the window, `qcut-ai` commands, scripts) may use one
project at once, so this module never touches the database file, or its
`-wal`/`-shm`, with plain file APIs while a connection of this process may
hold it: POSIX locks belong to the process, and closing *any* descriptor of
the file drops every lock the process holds on it. Another process would then
believe it is alone, checkpoint and delete the WAL under a live connection
(sqlite.org/howtocorrupt.html §2.2). So:

* a file that is not a database is recognised by SQLite's own error
  (SQLITE_NOTADB), never by reading its header;
* a new database is built under a temporary name and linked into place whole,
  so an empty (zero-byte) database file is never legitimate and is treated as
  damaged, not as a new library;
* a damaged file is copied aside once per state of the file, outside this
  process's locks (see `_copy_aside`), and never recreated silently.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from qcut_ai.core.errors import DamagedLibraryError, LibraryError
from qcut_ai.library.db_errors import is_locked, not_writable, write_error

# Long enough that ordinary contention between the window and a command
# (a checkpoint, a batch of inserts) is waited out instead of reported.
BUSY_TIMEOUT_MS = 30_000
SIDE_FILES = ("-wal", "-shm")
BACKUP_INFIX = ".corrupt-"
_NOT_A_DATABASE = {"SQLITE_NOTADB", "SQLITE_CORRUPT"}


# Files this process already found sound, as they were then (a change to the main
# file, e.g. a checkpoint or another program's write, means a new check).
# quick_check reads the whole file (about 160 ms at 100k items), and workers
# open a connection per query.
_checked: set[tuple[int, int, int, int]] = set()
# SQLite virtual-machine steps between two looks at an `abort` during the check.
_ABORT_EVERY = 10_000
# One check of a file at a time: connections opened together (the file check, the
# rebuild offer, the crash-leftover finisher) wait for the first one's answer
# instead of each reading the whole file again.
_check_locks: dict[str, threading.Lock] = {}
_check_locks_lock = threading.Lock()


def _check_lock(key: str) -> threading.Lock:
    with _check_locks_lock:
        return _check_locks.setdefault(key, threading.Lock())


# Open connections of this process, by database file. A plain file copy of a
# database is only safe while this count is 0 (see `_copy_aside`); the lock
# keeps a connection from opening in the middle of such a copy.
_open: Counter[str] = Counter()
_open_lock = threading.Lock()


def _file_key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


class _TrackedConnection(sqlite3.Connection):
    """A connection that keeps `_open` right when it is closed (or collected)."""

    _qcut_key: str | None = None

    def close(self) -> None:
        key, self._qcut_key = self._qcut_key, None
        if key is not None:
            with _open_lock:
                _open[key] -= 1
                if _open[key] <= 0:
                    del _open[key]
        super().close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


def open_connections(path: Path) -> int:
    """How many connections of this process have `path` open."""
    with _open_lock:
        return _open.get(_file_key(path), 0)


def _identity(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _connect(path: Path) -> _TrackedConnection:
    # mode=rw: an existing file only. A database deleted since the caller looked
    # must not come back as a new, empty library.
    uri = "file:" + path.resolve().as_posix().replace("?", "%3f").replace("#", "%23") + "?mode=rw"
    with _open_lock:
        conn = sqlite3.connect(
            uri,
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            # isolation_level=None: statements autocommit unless a transaction was
            # opened (write_transaction, sqlite-utils' atomic()), so no write is
            # left pending by accident.
            isolation_level=None,
            factory=_TrackedConnection,
            check_same_thread=True,
        )
        key = _file_key(path)
        conn._qcut_key = key
        _open[key] += 1
    return conn


def open_database(
    path: Path, *, create: bool = True, check: bool = True, abort: Callable[[], bool] | None = None
) -> Database:
    """Open `path` with WAL, NORMAL sync, a busy timeout and foreign keys.

    A missing file is created (whole, see `_create`) unless `create` is False.
    `check=False` leaves the integrity check to the next connection that asks.
    `abort`, when given, can stop the integrity check part way (it reads the
    whole file: seconds for a large library whose pages are not cached): the
    open then fails with "stopped", and the file is not taken for damaged.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        size: int | None = os.stat(path).st_size
    except FileNotFoundError:
        size = None
    except OSError as exc:
        raise LibraryError(f"The project database {path} cannot be read: {exc.strerror}.") from exc
    if size is None:
        if not create:
            raise LibraryError(f"There is no project database at {path}.")
        _create(path)
    elif size == 0:
        raise damaged(path, "the file is empty")
    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        raise write_error(exc, path) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        identity = _identity(path)
        if check and identity not in _checked:
            with _check_lock(_file_key(path)):
                if identity not in _checked:  # or another connection just checked it
                    _quick_check(conn, abort)
                    _checked.add(identity)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if abort is not None and abort():
            raise LibraryError(f"The check of {path} was stopped.") from exc
        if isinstance(exc, sqlite3.OperationalError) and not_writable(exc):
            raise write_error(exc, path) from exc
        raise damaged(path) from exc
    return Database(conn)


def _quick_check(conn: sqlite3.Connection, abort: Callable[[], bool] | None) -> None:
    if abort is not None:
        if abort():
            raise sqlite3.OperationalError("interrupted")
        conn.set_progress_handler(lambda: int(abort()), _ABORT_EVERY)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()
    finally:
        conn.set_progress_handler(None, 0)
    if not result or result[0] != "ok":
        raise sqlite3.DatabaseError(str(result[0] if result else "no answer"))


Schema = Callable[[Database], None]


def _create(path: Path, schema: Schema | None = None) -> None:
    """Build a new database under a temporary name and link it into place whole.

    Two processes creating the same project race harmlessly: the first link
    wins, the other's copy is dropped. Nobody ever sees a half-made file.
    """
    temp = path.with_name(f".{path.name}.new-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        conn = sqlite3.connect(str(temp), isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            if schema is not None:
                db = Database(conn)
                conn.execute("BEGIN IMMEDIATE")
                schema(db)
                conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:
            # A file system without hard links: rename, unless someone was first.
            if not path.exists():
                os.replace(temp, path)
    except sqlite3.Error as exc:
        raise write_error(exc, path) from exc
    except OSError as exc:
        raise write_error(sqlite3.OperationalError(str(exc.strerror or exc)), path) from exc
    finally:
        for name in (temp, *(temp.with_name(temp.name + s) for s in SIDE_FILES)):
            with contextlib.suppress(OSError):
                name.unlink()


def create_database(path: Path, schema: Schema) -> None:
    """Make a new database at `path` (unless one exists) with `schema` built in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _create(path, schema)


_MIGRATION_LOCK = threading.Lock()


def apply_migrations(db: Database, migrations: Migrations) -> None:
    """Apply pending steps of one migration set, safely against other processes.

    Checking first keeps the common case read-only. Pending steps are applied
    under the write lock (BEGIN IMMEDIATE, so a second opener waits on the
    busy timeout rather than failing) and checked again inside it, since
    another process may have applied them while this one waited.
    """
    if not migrations.pending(db):
        return
    try:
        with _MIGRATION_LOCK, write_transaction(db):
            if migrations.pending(db):
                migrations.apply(db)
    except sqlite3.OperationalError as exc:
        # An upgrade that cannot take the write lock (or the disk) is a state of
        # the project the user can act on, not a bug.
        if not_writable(exc):
            raise write_error(exc) from exc
        raise


# -- damaged files ------------------------------------------------------------------


def damaged(path: Path, why: str = "") -> DamagedLibraryError:
    """Copy the damaged file (and its WAL) aside, once per state, and say what happened."""
    try:
        backup: Path | None = _backup_once(path)
    except OSError:
        backup = None
    saved = f" A copy was saved as {backup.name}." if backup is not None else ""
    reason = f" ({why})" if why else ""
    return DamagedLibraryError(
        f"The project database {path} is damaged{reason} and was not opened.{saved}",
        hint="Rebuild the library from the clips' provenance (qcut-ai library rebuild), "
        "restore it from a backup, or move it away to start an empty library.",
    )


def _fingerprint(path: Path) -> str:
    st = os.stat(path)
    return f"{st.st_size:x}-{st.st_mtime_ns:x}"


def existing_backup(path: Path) -> Path | None:
    """The backup already made of the file in its current state, if any."""
    try:
        tag = _fingerprint(path)
    except OSError:
        return None
    found = sorted(path.parent.glob(f"{path.name}{BACKUP_INFIX}*-{tag}.bak"))
    return found[0] if found else None


def _backup_once(path: Path) -> Path | None:
    if not path.exists():
        return None
    already = existing_backup(path)
    if already is not None:
        return already  # the same damaged file was saved before: one copy is enough
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}{BACKUP_INFIX}{stamp}-{_fingerprint(path)}.bak")
    pairs = [(path, backup)]
    for extra in SIDE_FILES:
        side = path.with_name(path.name + extra)
        if side.exists():
            pairs.append((side, backup.with_name(backup.name + extra)))
    _copy_aside(path, pairs)
    return backup


def _copy_aside(database: Path, pairs: list[tuple[Path, Path]]) -> None:
    """Copy database files without dropping this process's SQLite locks.

    With no connection of this process open on the file, a plain copy holds
    no lock that its close could drop. Otherwise the copy is made by a child
    process, whose descriptors (and locks) are its own.
    """
    with _open_lock:
        if _open.get(_file_key(database), 0) == 0:
            for source, target in pairs:
                shutil.copy2(source, target)
            return
    script = (
        "import shutil, sys\nfor s, t in zip(sys.argv[1::2], sys.argv[2::2]): shutil.copy2(s, t)"
    )
    argv = [sys.executable, "-c", script, *(str(p) for pair in pairs for p in pair)]
    done = subprocess.run(argv, capture_output=True, timeout=120, check=False)
    if done.returncode != 0:
        raise OSError(done.stderr.decode(errors="replace").strip() or "copy failed")


def backup_live(db: Database, target: Path) -> None:
    """A consistent copy of an open, healthy database through SQLite's backup API."""
    out = sqlite3.connect(str(target))
    try:
        db.conn.backup(out)
    finally:
        out.close()


# -- transactions ---------------------------------------------------------------------


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[None]:
    """A transaction that takes the write lock at BEGIN (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes fails at once with
    "database is locked" when another connection wrote in between (WAL cannot
    upgrade a stale snapshot), without waiting on the busy timeout. Taking the
    lock first makes concurrent writers (journal, ingest, UI edits, other
    processes) queue instead. Nested use joins the outer transaction.
    """
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    _begin_immediate(conn)
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting out "locked" answers SQLite gives without its busy wait
    (a WAL being recovered by another process) for up to the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not is_locked(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def retry_locked(fn: Callable[[], Any]) -> Any:
    """Run one write, retrying a "locked" answer until the busy timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not is_locked(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)
