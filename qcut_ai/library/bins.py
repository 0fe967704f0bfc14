"""The library's bins and colour labels: create, rename, delete, move items, list a bin.

Functions over a MediaRepository (its connection and write transaction), so
the repository module stays about media rows and every writer shares one
transaction rule.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from qcut_ai.core.bins import Bin, check_colour, clean_bin_name
from qcut_ai.core.errors import LibraryError
from qcut_ai.core.media import MediaItem
from qcut_ai.library.db import write_transaction
from qcut_ai.library.repository import MediaRepository

_LIST = (
    "SELECT b.id, b.name, b.parent_id, b.colour, "
    "(SELECT count(*) FROM media m WHERE m.bin_id = b.id) "
    "FROM bin b ORDER BY b.name COLLATE NOCASE, b.id"
)


def _write(repo: MediaRepository, sql: str, params: Sequence[object]) -> sqlite3.Cursor:
    try:
        with write_transaction(repo.db):
            return repo.db.conn.execute(sql, params)
    except sqlite3.IntegrityError as exc:
        raise LibraryError("There is already a bin with that name here: choose another.") from exc
    except sqlite3.Error as exc:
        raise LibraryError(
            f"The media library could not be updated: {exc}.",
            hint="Check that the project folder is writable and has free space.",
        ) from exc


def _read(repo: MediaRepository, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    try:
        return repo.db.conn.execute(sql, params).fetchall()
    except sqlite3.Error as exc:
        raise LibraryError(f"The media library could not be read: {exc}.") from exc


def _name(name: str) -> str:
    try:
        return clean_bin_name(name)
    except ValueError as exc:
        raise LibraryError(str(exc)) from None


def list_bins(repo: MediaRepository) -> list[Bin]:
    """Every bin, by name, with how many items each holds."""
    return [Bin(i, n, p, c, count) for i, n, p, c, count in _read(repo, _LIST)]


def get_bin(repo: MediaRepository, bin_id: int) -> Bin:
    found = next((b for b in list_bins(repo) if b.id == bin_id), None)
    if found is None:
        raise LibraryError(f"There is no bin {bin_id} in this library.")
    return found


def find_bin(repo: MediaRepository, name: str) -> Bin:
    """The bin called `name` (case does not matter); one sentence when there is none."""
    wanted = " ".join(name.split()).casefold()
    for found in list_bins(repo):
        if found.name.casefold() == wanted:
            return found
    known = ", ".join(b.name for b in list_bins(repo)) or "none yet"
    raise LibraryError(f"There is no bin called “{name}” in this library (bins: {known}).")


def create_bin(repo: MediaRepository, name: str, parent_id: int | None = None) -> Bin:
    cursor = _write(
        repo, "INSERT INTO bin (name, parent_id) VALUES (?, ?)", [_name(name), parent_id]
    )
    return get_bin(repo, int(cursor.lastrowid or 0))


def rename_bin(repo: MediaRepository, bin_id: int, name: str) -> Bin:
    cursor = _write(repo, "UPDATE bin SET name = ? WHERE id = ?", [_name(name), bin_id])
    if cursor.rowcount == 0:
        raise LibraryError(f"There is no bin {bin_id} in this library.")
    return get_bin(repo, bin_id)


def delete_bin(repo: MediaRepository, bin_id: int) -> list[int]:
    """Delete a bin (and the bins inside it); their items go back to the top level.

    Returns the ids of the items that were in it. Media is never deleted.
    """
    inner = _read(
        repo,
        "WITH RECURSIVE t(id) AS "
        "(SELECT ? UNION SELECT b.id FROM bin b JOIN t ON b.parent_id = t.id) "
        "SELECT m.id FROM media m WHERE m.bin_id IN (SELECT id FROM t)",
        [bin_id],
    )
    ids = [r[0] for r in inner]
    try:
        with write_transaction(repo.db):
            conn = repo.db.conn
            conn.execute(
                "UPDATE media SET bin_id = NULL, bin_position = NULL "
                "WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(ids)],
            )
            cursor = conn.execute("DELETE FROM bin WHERE id = ?", [bin_id])
    except sqlite3.Error as exc:
        raise LibraryError(f"The media library could not be updated: {exc}.") from exc
    if cursor.rowcount == 0:
        raise LibraryError(f"There is no bin {bin_id} in this library.")
    return ids


def move_to_bin(
    repo: MediaRepository, media_ids: Sequence[int], bin_id: int | None
) -> list[MediaItem]:
    """Put items in a bin (None: back to the top level), after what it already holds,
    in the order given. Returns the items as they are now."""
    if bin_id is not None:
        get_bin(repo, bin_id)
    ids = list(dict.fromkeys(media_ids))
    try:
        with write_transaction(repo.db):
            conn = repo.db.conn
            last = conn.execute(
                "SELECT coalesce(max(bin_position), 0) FROM media WHERE bin_id IS ?", [bin_id]
            ).fetchone()[0]
            conn.executemany(
                "UPDATE media SET bin_id = ?, bin_position = ? WHERE id = ?",
                [(bin_id, last + n, media_id) for n, media_id in enumerate(ids, start=1)],
            )
    except sqlite3.Error as exc:
        raise LibraryError(f"The media library could not be updated: {exc}.") from exc
    return repo.get_many(ids)


def set_colour(
    repo: MediaRepository, media_ids: Sequence[int], colour: str | None
) -> list[MediaItem]:
    """Give items a colour label (None clears it)."""
    try:
        label = check_colour(colour)
    except ValueError as exc:
        raise LibraryError(str(exc)) from None
    ids = list(media_ids)
    _write(
        repo,
        "UPDATE media SET colour = ? WHERE id IN (SELECT value FROM json_each(?))",
        [label, json.dumps(ids)],
    )
    return repo.get_many(ids)


def bin_items(repo: MediaRepository, name: str) -> list[MediaItem]:
    """The items of the bin called `name`, in the order they were put there."""
    found = find_bin(repo, name)
    rows = _read(
        repo, "SELECT id FROM media WHERE bin_id = ? ORDER BY bin_position, id", [found.id]
    )
    return repo.get_many([r[0] for r in rows])
