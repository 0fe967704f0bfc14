"""History and the spend totals read on connections kept open between reads: the same
answers as a read that opens the database, the newest commits of any connection seen,
and no connection kept on a file that was replaced, removed or failed a read."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from qcut_ai.core.errors import LibraryError
from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.engine.history import HistoryPage, load_history_page
from qcut_ai.engine.journal import JobJournal
from qcut_ai.engine.kept_connections import KeptConnections
from qcut_ai.engine.spend import record_project, spend_totals
from qcut_ai.library.db import backup_live, open_connections
from qcut_ai.library.project_db import open_project_db
from tests.open_files import open_files

PRICES = [0.35, 0.1, 0.28, None, 1.234567890123]


def _journal(project: ProjectPaths, batches: int, *, finish: bool = True) -> list[str]:
    """`batches` batches of three jobs, written on a connection of their own."""
    record_project(project)
    db = open_project_db(project)
    try:
        journal = JobJournal(db)
        ids = []
        for n in range(batches * 3):
            job = journal.create(
                batch_id=f"batch-{len(journal.recent(limit=10_000)) // 3:04d}",
                position=n % 3,
                model_id="wan-2.2-turbo",
                endpoint="fal-ai/wan",
                model_name="Wan",
                request={"prompt": f"a fox {n}"},
                arguments={},
                estimate_usd=PRICES[n % len(PRICES)],
                price_unit="per_video",
            )
            if finish:
                journal.update(job.id, JobState.DONE)
            ids.append(job.id)
        return ids
    finally:
        db.close()


def _held(project: ProjectPaths) -> list[str]:
    """This process's descriptors on the project's main database file (deleted ones too)."""
    main = str(project.database)
    return [t for t in open_files() if t.startswith(main) and not t.endswith(("-wal", "-shm"))]


def _batch_ids(page: HistoryPage) -> list[str]:
    return [b.batch_id for b in page.batches]


@pytest.fixture
def kept() -> KeptConnections:
    connections = KeptConnections()
    yield connections
    connections.close()


def test_totals_on_a_kept_connection_follow_every_commit_and_match_a_fresh_read(
    tmp_path: Path, kept: KeptConnections
) -> None:
    project = ProjectPaths.at(tmp_path / "Mine").ensure()
    other = ProjectPaths.at(tmp_path / "Other").ensure()
    _journal(other, 2)
    ids = _journal(project, 3, finish=False)
    assert spend_totals(project, kept) == spend_totals(project)
    assert spend_totals(project, kept).pending > 0

    # Another connection (the runner's, or another process) finishes jobs and adds more.
    db = open_project_db(project)
    try:
        journal = JobJournal(db)
        for job_id in ids[:4]:
            journal.update(job_id, JobState.DONE)
        journal.update(ids[4], JobState.FAILED, error="The model failed.")
    finally:
        db.close()
    _journal(other, 1)
    totals = spend_totals(project, kept)
    assert totals == spend_totals(project)
    assert totals.project_spent > 0 and totals.today_spent > totals.project_spent
    # One connection per database, kept: this project's and the other's.
    assert kept.open_count() == 2 and open_connections(project.database) == 1


def test_history_pages_on_a_kept_connection_are_the_pages_a_fresh_read_gives(
    tmp_path: Path, kept: KeptConnections
) -> None:
    project = ProjectPaths.at(tmp_path / "Mine").ensure()
    _journal(project, 7)
    first = load_history_page(project, limit=3, kept=kept)
    assert _batch_ids(first) == _batch_ids(load_history_page(project, limit=3))
    assert _batch_ids(first) == ["batch-0006", "batch-0005", "batch-0004"]
    shown = _batch_ids(first)
    older = load_history_page(project, limit=3, before=first.cursor, shown=shown, kept=kept)
    assert _batch_ids(older) == ["batch-0003", "batch-0002", "batch-0001"]
    shown += _batch_ids(older)
    last = load_history_page(project, limit=3, before=older.cursor, shown=shown, kept=kept)
    assert _batch_ids(last) == ["batch-0000"] and last.cursor is None

    _journal(project, 1)  # a new batch, journaled on another connection
    assert _batch_ids(load_history_page(project, limit=3, kept=kept))[0] == "batch-0007"
    assert open_connections(project.database) == 1


def test_a_kept_connection_does_not_hold_back_the_wal_checkpoint(
    tmp_path: Path, kept: KeptConnections
) -> None:
    project = ProjectPaths.at(tmp_path / "Mine").ensure()
    _journal(project, 30)
    load_history_page(project, limit=5, kept=kept)
    spend_totals(project, kept)
    db = open_project_db(project)
    try:
        busy, _frames, _done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        db.close()
    assert busy == 0  # no snapshot left open by the reads
    assert project.database.with_name(project.database.name + "-wal").stat().st_size == 0


def test_a_replaced_database_is_read_afresh_and_a_removed_one_is_let_go(
    tmp_path: Path, kept: KeptConnections
) -> None:
    project = ProjectPaths.at(tmp_path / "Mine").ensure()
    elsewhere = ProjectPaths.at(tmp_path / "Copy").ensure()
    _journal(project, 2)
    _journal(elsewhere, 5)
    assert len(load_history_page(project, limit=20, kept=kept).batches) == 2

    # A rebuild or a restore puts another file in place (a new inode).
    replacement = tmp_path / "restored.db"
    source = open_project_db(elsewhere)
    try:
        backup_live(source, replacement)  # SQLite's own copy: no plain file read
    finally:
        source.close()
    for suffix in ("-wal", "-shm"):
        Path(str(project.database) + suffix).unlink(missing_ok=True)
    os.replace(replacement, project.database)
    assert len(load_history_page(project, limit=20, kept=kept).batches) == 5
    assert _held(project) == [str(project.database)]  # nothing deleted kept open

    for suffix in ("", "-wal", "-shm"):
        Path(str(project.database) + suffix).unlink(missing_ok=True)
    assert load_history_page(project, limit=20, kept=kept).batches == []
    assert spend_totals(project, kept).project_spent == 0
    assert _held(project) == [] and open_connections(project.database) == 0


def test_a_read_that_fails_closes_its_connection(tmp_path: Path, kept: KeptConnections) -> None:
    project = ProjectPaths.at(tmp_path / "Mine").ensure()
    _journal(project, 2)
    spend_totals(project, kept)
    db = open_project_db(project)
    try:
        db.execute("DROP TABLE spend_tally")
    finally:
        db.close()
    with pytest.raises(LibraryError, match="spend ledger"):
        spend_totals(project, kept)
    assert open_connections(project.database) == 0 and kept.open_count() == 0


def test_a_connection_is_not_used_from_another_thread(
    tmp_path: Path, kept: KeptConnections
) -> None:
    project = ProjectPaths.at(tmp_path / "Mine").ensure()
    _journal(project, 2)
    expected = spend_totals(project)
    assert spend_totals(project, kept) == expected
    answers: list[object] = []

    def elsewhere() -> None:
        try:
            answers.append(spend_totals(project, kept))
        except (sqlite3.Error, LibraryError) as exc:  # what must not happen
            answers.append(exc)
        finally:
            kept.close()

    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert answers == [expected]
