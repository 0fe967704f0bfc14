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


def test_connections_opened_together_share_one_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The file check, the rebuild offer and the leftover finisher open the library at
    # once when a project opens: the file is read whole once, not three times.
    import threading

    from qcut_ai.library import db as db_module

    path = _database(tmp_path / "library.db")
    checks: list[str] = []
    real = db_module._quick_check

    def slow_check(conn: sqlite3.Connection, abort: object) -> None:
        checks.append(threading.current_thread().name)
        threading.Event().wait(0.2)  # long enough for the others to arrive
        real(conn, abort)  # type: ignore[arg-type]

    monkeypatch.setattr(db_module, "_quick_check", slow_check)
    opened: list[int] = []

    def open_it() -> None:
        db = open_database(path, create=False)
        opened.append(db.execute("SELECT count(*) FROM t").fetchone()[0])
        db.close()

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert opened == [30_000] * 3
    assert len(checks) == 1
