"""Open the project's SQLite file with the pragmas and checks every user needs.

One file holds several migration sets (the library's, the job journal's…);
each owner opens it through `open_database` and applies its own set. A file
that is not a healthy SQLite database is never silently recreated: a backup
copy is made and LibraryError raised, so the user's history can be rescued.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from qcut_ai.core.errors import LibraryError
from qcut_ai.library.layout import ProjectLayout

_SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


# Files this process already found sound, as they were then (a change to the main
# file, e.g. a checkpoint or another program's write, means a new check).
# quick_check reads the whole file (about 160 ms at 100k items), and workers
# open a connection per query.
_checked: set[tuple[int, int, int, int]] = set()


def _identity(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def open_database(path: Path) -> Database:
    """Open (or create) `path` with WAL, NORMAL sync, a busy timeout and foreign keys."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _check_header(path)
    # isolation_level=None: statements autocommit unless sqlite-utils' atomic()
    # opened a transaction, so no write is left pending by accident.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        identity = _identity(path)
        if identity not in _checked:
            result = conn.execute("PRAGMA quick_check").fetchone()
            if not result or result[0] != "ok":
                raise sqlite3.DatabaseError(str(result[0] if result else "no answer"))
            _checked.add(identity)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if isinstance(exc, sqlite3.OperationalError) and _not_writable(exc):
            raise write_error(exc, path) from exc
        raise _corrupt(path) from exc
    return Database(conn)


def open_project_db(project: ProjectLayout) -> Database:
    """The project's database with the library schema applied."""
    from qcut_ai.library.schema import apply_library_migrations

    db = open_database(project.database)
    try:
        apply_library_migrations(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise LibraryError(
            f"The project database {project.database} could not be updated: {exc}.",
            hint="Check that the project folder is writable.",
        ) from exc
    return db


_LOCKED = ("locked", "busy")
_READ_ONLY = ("readonly", "read-only", "unable to open")
_FULL = ("disk is full", "database or disk is full")


def _not_writable(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return any(w in text for w in (*_LOCKED, *_READ_ONLY, *_FULL))


def write_error(exc: sqlite3.Error, path: Path | None = None) -> LibraryError:
    """The sentence for a database that cannot be written right now (never "damaged")."""
    text = str(exc).lower()
    where = f"The project database {path}" if path else "The project database"
    if any(w in text for w in _LOCKED):
        return LibraryError(
            f"{where} is locked by another program.",
            hint="Close other copies of qcut-ai (or the program using it) and try again; "
            "jobs already sent are kept.",
        )
    if any(w in text for w in _FULL):
        return LibraryError(
            f"{where} cannot be written: the disk is full.",
            hint="Free some space and try again; jobs already sent are kept.",
        )
    if any(w in text for w in _READ_ONLY):
        return LibraryError(
            f"{where} cannot be written: the project folder is read-only.",
            hint="Make the folder writable (or copy the project somewhere writable) and try "
            "again; nothing was changed.",
        )
    return LibraryError(f"{where} could not be written ({text}).", hint="Try again.")


_MIGRATION_LOCK = threading.Lock()


def apply_migrations(db: Database, migrations: Migrations) -> None:
    """Apply pending steps of one migration set, one thread at a time.

    Checking first keeps the common case read-only: concurrent workers opening
    the same project would otherwise race to upgrade read transactions to
    writes, which SQLite answers with "database is locked" at once.
    """
    if not migrations.pending(db):
        return
    with _MIGRATION_LOCK:
        if migrations.pending(db):
            migrations.apply(db)


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise LibraryError(f"The project database {path} cannot be read: {exc}.") from exc
    if head and head != _SQLITE_HEADER:
        raise _corrupt(path)


def _corrupt(path: Path) -> LibraryError:
    """Copy the damaged file (and its WAL) aside and describe what happened."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.corrupt-{stamp}.bak")
    try:
        shutil.copy2(path, backup)
        for extra in ("-wal", "-shm"):
            side = path.with_name(path.name + extra)
            if side.exists():
                shutil.copy2(side, backup.with_name(backup.name + extra))
        saved = f" A copy was saved as {backup.name}."
    except OSError:
        saved = ""
    return LibraryError(
        f"The project database {path} is damaged and was not opened.{saved}",
        hint="Restore it from a backup, or move it away to start an empty library.",
    )


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[None]:
    """A transaction that takes the write lock at BEGIN (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes fails at once with
    "database is locked" when another connection wrote in between (WAL cannot
    upgrade a stale snapshot), without waiting on the busy timeout. Taking the
    lock first makes concurrent writers (journal, ingest, UI edits) queue
    instead. Nested use joins the outer transaction.
    """
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
