"""The one sentence for a library write that SQLite refused."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from sqlite_utils import Database

from qcut_ai.core.errors import LibraryError
from qcut_ai.library.db import write_transaction


@contextlib.contextmanager
def updating(db: Database) -> Iterator[None]:
    """A write transaction on the library whose failure is one LibraryError sentence."""
    try:
        with write_transaction(db):
            yield
    except sqlite3.Error as exc:
        raise LibraryError(
            f"The media library could not be updated: {exc}.",
            hint="Check that the project folder is writable and has free space.",
        ) from exc
