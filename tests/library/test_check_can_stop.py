"""The integrity check that opening a library runs can be stopped part way (quitting
right after opening a large library whose pages are not cached); a stopped check
is not taken for a damaged file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qcut_ai.core.errors import LibraryError
from qcut_ai.library.db import open_database


def _database(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)")
    conn.executemany("INSERT INTO t (text) VALUES (?)", ([f"row {n} " * 8] for n in range(30_000)))
    conn.execute("CREATE INDEX t_text ON t (text)")
    conn.commit()
    conn.close()
    return path


def test_a_stopped_check_says_so_and_the_file_opens_after(tmp_path: Path) -> None:
    path = _database(tmp_path / "library.db")
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return True

    with pytest.raises(LibraryError) as raised:
        open_database(path, create=False, abort=stop)
    assert raised.value.user_text() == f"The check of {path} was stopped."
    assert asked  # the check looked at the flag while it ran
    assert sorted(p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name) == []
    db = open_database(path, create=False, abort=lambda: False)  # checked whole, and sound
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 30_000
    db.close()
