"""The lease heartbeat never keeps a project file open between beats: a connection
kept on a file that was emptied, replaced or deleted would hold the old file and its
WAL open for as long as the process runs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from qcut_ai.library.db import open_database
from qcut_ai.library.leases import _Keeper, claim
from tests.open_files import open_files


def _open_fds_to(folder: Path) -> list[str]:
    return [t for t in open_files() if t.startswith(str(folder))]


def _leased_database(path: Path) -> Path:
    db = open_database(path)
    claim(db, "job:1")
    db.close()
    return path


def test_a_beat_refreshes_the_lease_and_leaves_nothing_open(tmp_path: Path) -> None:
    path = _leased_database(tmp_path / "qcut-ai.db")
    db = open_database(path)
    before = db.conn.execute("SELECT heartbeat_at FROM leases").fetchone()[0]
    assert _Keeper._beat(str(path)) is True  # a lease is held there: refreshed
    after = db.conn.execute("SELECT heartbeat_at FROM leases").fetchone()[0]
    db.close()
    assert after >= before
    assert _open_fds_to(tmp_path) == []


def test_a_file_emptied_or_gone_is_never_held_open(tmp_path: Path) -> None:
    folder = tmp_path / "P"
    folder.mkdir()
    path = _leased_database(folder / "qcut-ai.db")
    assert _Keeper._beat(str(path))
    # A sync tool empties the file and its WAL goes with it: the beat fails quietly and
    # tries again later, holding nothing meanwhile.
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.truncate(path, 0)
    assert _Keeper._beat(str(path)) is True
    assert _open_fds_to(folder) == []
    # The project folder is deleted: nothing is held there any more.
    shutil.rmtree(folder)
    assert _Keeper._beat(str(path)) is False
