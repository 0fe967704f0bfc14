"""The query worker's kept connection never holds a database that is gone or damaged."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from qcut_ai.core.errors import LibraryError
from qcut_ai.core.media import MediaKind, ProbeInfo
from qcut_ai.core.media_query import MediaQuery
from qcut_ai.core.project import ProjectPaths
from qcut_ai.jobs.library_queries import QueryConnection, run_query
from qcut_ai.library.media_rows import NewMedia
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository
from tests.open_files import open_files


def _held(project: ProjectPaths) -> list[str]:
    """This process's descriptors on the project's database files (deleted ones too)."""
    return [t for t in open_files() if t.startswith(str(project.database))]


def _library(root: Path, names: list[str]) -> ProjectPaths:
    project = ProjectPaths.at(root).ensure()
    db = open_project_db(project)
    try:
        items = []
        for name in names:
            path = project.media / f"{name}.mp4"
            path.write_bytes(b"")
            items.append(NewMedia(path=path, probe=ProbeInfo(kind=MediaKind.VIDEO, duration=1.0)))
        MediaRepository(db, project.root).add_many(items)
    finally:
        db.close()
    return project


def _names(connection: QueryConnection, project: ProjectPaths) -> list[str]:
    items = connection.run(project, lambda repo: run_query(repo, MediaQuery()))
    return sorted(i.display_name for i in items)


def test_a_library_replaced_under_the_kept_connection_is_read_anew(tmp_path: Path) -> None:
    project = _library(tmp_path / "P", ["dawn", "dusk"])
    other = _library(tmp_path / "Q", ["noon"])
    connection = QueryConnection()
    try:
        assert _names(connection, project) == ["dawn", "dusk"]
        # A rebuild or a restore puts a new file in its place.
        src, dst = sqlite3.connect(other.database), sqlite3.connect(tmp_path / "new.db")
        src.backup(dst)  # SQLite's own copy: no plain file read of a database
        src.close()
        dst.close()
        for suffix in ("-wal", "-shm"):
            Path(str(project.database) + suffix).unlink(missing_ok=True)
        os.replace(tmp_path / "new.db", project.database)

        assert _names(connection, project) == ["noon"]
        assert not [t for t in _held(project) if t.endswith("(deleted)")]
    finally:
        connection.close()
    assert _held(project) == []


def test_a_failed_read_lets_go_of_the_database(tmp_path: Path) -> None:
    project = _library(tmp_path / "P", ["dawn"])
    connection = QueryConnection()

    def broken(repo: object) -> None:
        raise LibraryError("The media library could not be read: disk I/O error.")

    with pytest.raises(LibraryError):
        connection.run(project, broken)
    assert _held(project) == []  # nothing kept open on a file that may be rebuilt next
    assert _names(connection, project) == ["dawn"]  # the next query opens it again
    connection.close()
