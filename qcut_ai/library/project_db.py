"""The project's database as the library uses it: opened with its schema, or refused.

`qcut_ai.library.db` knows SQLite files in general; this module knows that a
project folder's `qcut-ai.db` holds the library's tables and lives beside a
media folder whose clips carry their own provenance.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator

from sqlite_utils import Database

from qcut_ai.core.errors import DamagedLibraryError, LibraryError
from qcut_ai.library.db import SIDE_FILES, create_database, open_database
from qcut_ai.library.db_errors import not_writable, write_error
from qcut_ai.library.layout import ProjectLayout
from qcut_ai.library.schema import apply_library_migrations, library_schema


def sidecars_in(project: ProjectLayout) -> int:
    """How many provenance sidecars the project's media folder holds."""
    try:
        return sum(1 for _ in project.media.glob("*.qcut.json"))
    except OSError:
        return 0


def open_project_db(
    project: ProjectLayout, *, check: bool = True, abort: Callable[[], bool] | None = None
) -> Database:
    """The project's database with the library schema applied.

    A missing database is created, except where the file was lost from under
    a library in use (its `-wal`/`-shm` are still there, next to generated
    clips): that is refused with the way to rebuild it, rather than replaced
    by an empty library. Views offer a rebuild when a new library is empty
    while the media folder holds generated clips (`orphaned_clips`).
    """
    path = project.database
    if not path.exists():
        leftovers = any(path.with_name(path.name + s).exists() for s in SIDE_FILES)
        found = sidecars_in(project) if leftovers else 0
        if found:
            raise missing_library(project, found)
        create_database(path, library_schema)
    db = open_database(path, check=check, abort=abort)
    try:
        apply_library_migrations(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        if isinstance(exc, sqlite3.OperationalError) and not_writable(exc):
            raise write_error(exc, path) from exc
        raise LibraryError(
            f"The project database {path} could not be updated: {exc}.",
            hint="Check that the project folder is writable.",
        ) from exc
    return db


def missing_library(project: ProjectLayout, clips: int) -> DamagedLibraryError:
    noun = "clip" if clips == 1 else "clips"
    return DamagedLibraryError(
        f"The library database of {project.root} is missing, but its media folder holds "
        f"{clips} generated {noun}.",
        hint=f"Rebuild the library from them: qcut-ai library rebuild --project "
        f'"{project.root}" (or Rebuild in the panel).',
    )


@contextlib.contextmanager
def project_database(
    project: ProjectLayout, *, abort: Callable[[], bool] | None = None
) -> Iterator[Database]:
    """`with project_database(project) as db:` the project's database, closed after
    (`abort` can stop its integrity check: see `db.open_database`)."""
    db = open_project_db(project, abort=abort)
    try:
        yield db
    finally:
        db.close()
