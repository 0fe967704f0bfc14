"""Project databases kept open between the journal and ledger reads of one thread.

History and the spend totals are read again after every finished job. Opening
the database for each read cost more than the read: connect, pragmas and the
migration sets checked (24-27 statements around the 2-3 that read), plus, after
every WAL checkpoint had changed the file, an integrity check that reads the
whole file (about 30 of them in 1,000 jobs, 3 ms at 0.5 MB up to 15 ms at
4.5 MB, growing with the file). A `KeptConnections` opens each file once, applies
each migration set once, and reads on that connection from then on.

Opened without the integrity check, as the library's query connection is: the
library's file check runs it on its own connection and reports a damaged file;
a damaged page met by a read here still fails that read. A connection never
outlives its file: a read that fails closes it (a damaged file may be rebuilt
next), and a file replaced since (a rebuild or a restore gives it a new inode)
or gone is reopened or dropped. Every read runs in autocommit, one statement
at a time, so a kept connection holds no snapshot between reads and sees
other processes' commits; no read may leave a statement unfinished (that
would pin the WAL).

SQLite connections belong to the thread that opened them: the owner uses one
instance from one thread (the database runner's, which never expires) and
closes it there. Used from another thread, a connection is dropped, not closed
(closing is only allowed on its own thread), and a new one is opened.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

from qcut_ai.library.db import open_database
from qcut_ai.library.file_inode import file_inode

_T = TypeVar("_T")

Prepare = Callable[[Database], None]

# Enough for this project and the few others whose spend today is summed with it;
# the least recently read is closed beyond that.
KEPT_LIMIT = 8


@dataclass
class _Kept:
    db: Database
    inode: tuple[int, int]
    thread: int
    prepared: set[Prepare] = field(default_factory=set)


class KeptConnections:
    """One open connection per database file, for reads on the owner's thread."""

    def __init__(self, limit: int = KEPT_LIMIT) -> None:
        self._limit = limit
        self._kept: OrderedDict[str, _Kept] = OrderedDict()

    def read(self, database: Path, prepare: Prepare, read: Callable[[Database], _T]) -> _T:
        """`read(db)` on the kept connection to `database`, `prepare(db)` (its migrations)
        run once per connection first; a failure closes the connection, then propagates."""
        key = str(database)
        kept = self._connection(key, database)
        try:
            if prepare not in kept.prepared:
                prepare(kept.db)
                kept.prepared.add(prepare)
            return read(kept.db)
        except BaseException:
            self._drop(key)
            raise

    def forget(self, database: Path) -> None:
        """Close the connection kept to `database` (a reader found the file gone)."""
        self._drop(str(database))

    def open_count(self) -> int:
        """How many connections are kept now."""
        return len(self._kept)

    def close(self) -> None:
        """Close every kept connection (on the thread that used them)."""
        for key in list(self._kept):
            self._drop(key)

    def _connection(self, key: str, database: Path) -> _Kept:
        inode = file_inode(database)
        kept = self._kept.get(key)
        if kept is not None and (kept.inode != inode or kept.thread != threading.get_ident()):
            self._drop(key)
            kept = None
        if kept is None:
            db = open_database(database, create=False, check=False)
            kept = _Kept(db, inode or file_inode(database) or (0, 0), threading.get_ident())
            self._kept[key] = kept
            while len(self._kept) > self._limit:
                self._drop(next(iter(self._kept)))
        self._kept.move_to_end(key)
        return kept

    def _drop(self, key: str) -> None:
        kept = self._kept.pop(key, None)
        if kept is None:
            return
        if kept.thread == threading.get_ident():
            with contextlib.suppress(Exception):
                kept.db.close()
        # Another thread's connection cannot be closed here; it is released when collected.
