"""What a failed SQLite write means for the user: locked, full, read-only.

SQLite reports these as `OperationalError` with a message; one place reads
the message so every opener, migration and journal write says the same
sentence (and never calls a busy file "damaged").
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qcut_ai.core.errors import LibraryError

_LOCKED = ("locked", "busy")
_READ_ONLY = ("readonly", "read-only", "unable to open")
_FULL = ("disk is full", "database or disk is full")


def not_writable(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return any(w in text for w in (*_LOCKED, *_READ_ONLY, *_FULL))


def is_locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and any(w in str(exc).lower() for w in _LOCKED)


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
