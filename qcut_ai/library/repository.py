"""Queries and updates over the library's tables.

One `MediaRepository` per thread: SQLite connections are not shared across
threads. Every write runs in a transaction; sqlite3 errors become LibraryError.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from qcut_ai.core.errors import LibraryError
from qcut_ai.core.media import MediaItem, Origin, RelinkResult
from qcut_ai.core.media_query import MediaQuery
from qcut_ai.library.best_matches import ranked_ids, ranked_join
from qcut_ai.library.library_writes import updating
from qcut_ai.library.media_rows import (
    INSERT_SQL,
    TAG_SEPARATOR,
    NewMedia,
    fts_query,
    insert_params,
    relative_to,
    rows_to_items,
)
from qcut_ai.library.newest_matches import dated_ids
from qcut_ai.library.provenance import remember_edits
from qcut_ai.library.queries import (
    after_clause,
    order_by,
    rated_page_sql,
    where_clause,
)
from qcut_ai.library.relink import relink
from qcut_ai.library.tags import drop_unused_tags, link_tags, normalise_tags

if TYPE_CHECKING:
    from qcut_ai.core.media import RelinkResult

_FTS_INSERT_TRIGGER = "media_fts_insert"


class MediaRepository:
    """The media library's rows: add, find, list, search, tag, rate, relink, remove."""

    def __init__(self, db: Database, project_root: Path | None = None) -> None:
        self.db = db
        self.root = project_root

    # --- adding ------------------------------------------------------------

    def add(self, new: NewMedia) -> MediaItem:
        """Insert one file; a request id already present returns the existing item."""
        new.tags = normalise_tags(new.tags)
        request_id = new.provenance.request_id if new.provenance else None
        with self._writing():
            if request_id:
                existing = self.get_by_request_id(request_id)
                if existing is not None:
                    return existing
            cursor = self.db.conn.execute(INSERT_SQL, insert_params(new, self.root))
            media_id = int(cursor.lastrowid or 0)
            link_tags(self.db.conn, media_id, new.tags)
        item = self.get(media_id)
        assert item is not None
        return item

    def add_many(self, items: Sequence[NewMedia]) -> int:
        """Bulk insert in one transaction (imports, tests); returns rows added."""
        for new in items:
            new.tags = normalise_tags(new.tags)
        params = [insert_params(n, self.root) for n in items]
        conn = self.db.conn
        with self._writing():
            before = self.count()
            last_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM media").fetchone()[0])
            # Indexing the new rows in one statement is many times faster than
            # the per-row trigger; the trigger is restored inside the same
            # transaction, so other connections never see it missing.
            (trigger_sql,) = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                [_FTS_INSERT_TRIGGER],
            ).fetchone()
            conn.execute(f"DROP TRIGGER {_FTS_INSERT_TRIGGER}")
            insert = INSERT_SQL.replace("INSERT", "INSERT OR IGNORE", 1)
            for new, row in zip(items, params, strict=True):
                cursor = conn.execute(insert, row)
                if new.tags and cursor.rowcount == 1:
                    link_tags(self.db.conn, int(cursor.lastrowid or 0), normalise_tags(new.tags))
            conn.execute(
                "INSERT INTO media_fts(rowid, name, prompt, model_name, tags) "
                "SELECT id, name, prompt, model_name, tags FROM media WHERE id > ?",
                [last_id],
            )
            conn.execute(trigger_sql)
            return self.count() - before

    # --- reading -----------------------------------------------------------

    def get(self, media_id: int) -> MediaItem | None:
        rows = self._rows("SELECT m.* FROM media m WHERE m.id = ?", [media_id])
        return rows[0] if rows else None

    def get_by_request_id(self, request_id: str) -> MediaItem | None:
        rows = self._rows("SELECT m.* FROM media m WHERE m.request_id = ?", [request_id])
        return rows[0] if rows else None

    def get_by_path(self, path: Path) -> MediaItem | None:
        rows = self._rows("SELECT m.* FROM media m WHERE m.path = ?", [str(path)])
        return rows[0] if rows else None

    def get_by_sha256(self, sha256: str) -> list[MediaItem]:
        """Items whose file has this content (copies of one file), oldest first."""
        if not sha256:
            return []
        return self._rows("SELECT m.* FROM media m WHERE m.sha256 = ? ORDER BY m.id", [sha256])

    def get_many(self, ids: Sequence[int]) -> list[MediaItem]:
        """The items with these ids, in the order given; unknown ids are left out."""
        return self._by_ids(ids)

    def count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM media"))

    def find(
        self, query: MediaQuery, offset: int = 0, after: MediaItem | None = None
    ) -> list[MediaItem]:
        """A page of the items `query` selects: searched (best match first unless its
        sort says otherwise) when it has words, else listed (newest first by default).

        The page starts after `offset` rows, or, given `after` (the last row of the
        previous page), right after that row.
        """
        if query.searching:
            return self._search(query, offset)
        return self._list(query.with_(sort=query.order()), offset, after)

    def list_recent(self, limit: int = 50, offset: int = 0, **query: Any) -> list[MediaItem]:
        """A page of items, newest first unless `sort` says otherwise (MediaQuery's filters)."""
        return self._list(MediaQuery.of(limit=limit, **query), offset)

    def search(self, text: str, limit: int = 50, offset: int = 0, **query: Any) -> list[MediaItem]:
        """Items whose name, prompt, model or tags contain every word (the last as a prefix).

        Takes the same filters as `list_recent`. The default order is by
        relevance (FTS5 bm25) over the newest 1,000 matches, newest first among
        equally good ones; older matches follow newest first (best_matches).
        """
        return self._search(
            MediaQuery.of(text=text, limit=limit, sort="rank").with_(
                **{k: v for k, v in query.items() if v is not None}
            ),
            offset,
        )

    def _list(
        self, query: MediaQuery, offset: int, after: MediaItem | None = None
    ) -> list[MediaItem]:
        where, params = where_clause(query)
        keyset = after_clause(query.sort, after.created_at, after.id) if after else None
        if keyset is not None:
            offset = 0
        rated = rated_page_sql(query, offset, keyset)
        if rated is not None:  # a rating floor by date: one index range per rating
            return self._by_ids([r[0] for r in self._read(*rated)])
        if keyset is not None:
            where, params = [*where, keyset[0]], [*params, *keyset[1]]
        order = order_by(query.sort, descending=query.descending)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        sql = f"SELECT m.* FROM media m {clause} ORDER BY {order} LIMIT ? OFFSET ?"
        return self._rows(sql, [*params, query.limit, offset])

    def _search(self, query: MediaQuery, offset: int) -> list[MediaItem]:
        order = order_by(query.sort, searching=True, descending=query.descending)
        match = fts_query(query.text)
        if match is None:
            return []
        where, params = where_clause(query)
        extra = "".join(f" AND {w}" for w in where)
        limit = query.limit
        # Ids first, rows second: sorting thousands of matches with their full
        # rows (provenance JSON included) costs ~5x more than sorting ids.
        sql = (
            "SELECT m.id FROM media_fts f JOIN media m ON m.id = f.rowid "
            f"WHERE media_fts MATCH ?{extra} ORDER BY {order} LIMIT ? OFFSET ?"
        )
        try:
            if query.sort == "rank" and not where and limit >= 0 and offset >= 0:
                # Nothing to filter on: rank from the index alone, without a `media` row
                # lookup per match, scoring only the newest matches (best_matches).
                ids = ranked_ids(self.db.conn, match, limit, offset)
            elif query.sort == "rank":  # the same rule with the filters, in SQL
                ids = ranked_join(self.db.conn, match, limit, offset, where, params)
            elif query.sort in ("newest", "oldest") and not where and limit >= 0 <= offset:
                # By date from the newest ids down, not a date per match (dated_ids).
                ids = dated_ids(self.db.conn, match, limit, offset, oldest=query.sort == "oldest")
            else:
                ids = [r[0] for r in self.db.conn.execute(sql, [match, *params, limit, offset])]
        except sqlite3.Error as exc:
            raise LibraryError(f"The media library could not be searched: {exc}.") from exc
        return self._by_ids(ids)

    def added_after(self, media_id: int, limit: int = 500) -> list[MediaItem]:
        """Items added after `media_id` (by this or another process), oldest first."""
        return self._rows(
            "SELECT m.* FROM media m WHERE m.id > ? ORDER BY m.id LIMIT ?", [media_id, limit]
        )

    def children(self, media_id: int) -> list[MediaItem]:
        """Items derived from this one (upscales, regenerations…), oldest first."""
        return self._rows(
            "SELECT m.* FROM media m WHERE m.parent_id = ? ORDER BY m.created_at, m.id", [media_id]
        )

    # --- updating ----------------------------------------------------------

    # The user's edits are written through to the item's provenance sidecar (when it
    # has one), so a library rebuilt from the media folder keeps them.

    def rename(self, media_id: int, name: str) -> MediaItem:
        """Change the display name (the file on disk keeps its name)."""
        clean = " ".join(name.split())
        if not clean:
            raise LibraryError("A media name cannot be empty.")
        return self._remembered(self._update(media_id, "name = ?", [clean]))

    def set_rating(self, media_id: int, rating: int) -> MediaItem:
        if not 0 <= rating <= 5:
            raise LibraryError(f"A rating must be 0 to 5 stars, not {rating}.")
        return self._remembered(self._update(media_id, "rating = ?", [rating]))

    def set_favourite(self, media_id: int, favourite: bool) -> MediaItem:
        return self._remembered(self._update(media_id, "favourite = ?", [int(favourite)]))

    def set_tags(self, media_id: int, tags: Iterable[str]) -> MediaItem:
        clean = normalise_tags(tags)
        with self._writing():
            self._require(media_id)
            self.db.conn.execute("DELETE FROM media_tag WHERE media_id = ?", [media_id])
            link_tags(self.db.conn, media_id, clean)
            self.db.conn.execute(
                "UPDATE media SET tags = ? WHERE id = ?", [TAG_SEPARATOR.join(clean), media_id]
            )
            drop_unused_tags(self.db.conn)
        return self._remembered(self._require(media_id))

    def all_tags(self) -> list[str]:
        cursor = self.db.conn.execute("SELECT name FROM tag ORDER BY name COLLATE NOCASE")
        return [r[0] for r in cursor.fetchall()]

    def set_thumbnails(
        self, media_id: int, thumbnail: Path | None, filmstrip: Path | None
    ) -> MediaItem:
        return self._update(
            media_id,
            "thumbnail = ?, filmstrip = ?",
            [str(thumbnail) if thumbnail else None, str(filmstrip) if filmstrip else None],
        )

    def set_finished(
        self,
        media_id: int,
        *,
        size: int,
        sha256: str,
        thumbnail: Path | None,
        filmstrip: Path | None,
    ) -> MediaItem:
        """Record what was made after a new result was listed: its size and hash once
        its provenance is embedded, and its thumbnails (None keeps the poster)."""
        return self._update(
            media_id,
            "size = ?, sha256 = ?, thumbnail = COALESCE(?, thumbnail), filmstrip = ?",
            [
                size,
                sha256,
                str(thumbnail) if thumbnail else None,
                str(filmstrip) if filmstrip else None,
            ],
        )

    def unfinished_generated(self) -> list[MediaItem]:
        """Generated items listed but never finished (no hash yet), their file present."""
        return self._rows(
            "SELECT m.* FROM media m WHERE m.sha256 = '' AND m.origin = ? AND m.missing = 0",
            [Origin.AI.value],
        )

    def set_path(self, media_id: int, path: Path) -> MediaItem:
        """Point an item at a new location (relink); clears the missing flag."""
        return self._update(
            media_id,
            "path = ?, rel_path = ?, missing = 0",
            [str(path), relative_to(path, self.root)],
        )

    def mark_missing(self, media_id: int, missing: bool = True) -> MediaItem:
        return self._update(media_id, "missing = ?", [int(missing)])

    def check_present(self, media_id: int) -> MediaItem:
        """Re-check one item's file when it is about to be used; updates its missing flag."""
        item = self._require(media_id)
        gone = not Path(item.path).is_file()
        if gone != item.missing:
            item = self.mark_missing(media_id, gone)
        return item

    def missing_items(self) -> list[MediaItem]:
        return self._rows("SELECT m.* FROM media m WHERE m.missing = 1 ORDER BY m.id", [])

    def remove(self, media_id: int, delete_file: bool = False) -> None:
        """Forget an item; with `delete_file` its file and sidecar go to the OS trash."""
        item = self._require(media_id)
        if delete_file:
            from send2trash import send2trash

            from qcut_ai.library.provenance import sidecar_path

            for target in (Path(item.path), sidecar_path(Path(item.path))):
                if target.exists():
                    try:
                        send2trash(target)
                    except OSError as exc:
                        raise LibraryError(
                            f"{target.name} could not be moved to the trash: {exc}.",
                            hint="Check the file's permissions; the library was not changed.",
                        ) from exc
        with self._writing():
            self.db.conn.execute("DELETE FROM media WHERE id = ?", [media_id])
            drop_unused_tags(self.db.conn)

    def relink(self, folder: Path) -> RelinkResult:
        """Find missing files under `folder` by hash, then by name and duration."""
        return relink(self, folder)

    # --- helpers -----------------------------------------------------------

    @staticmethod
    def _remembered(item: MediaItem) -> MediaItem:
        remember_edits(item)
        return item

    def _writing(self) -> contextlib.AbstractContextManager[None]:
        return updating(self.db)

    def _update(self, media_id: int, assignments: str, params: list[Any]) -> MediaItem:
        with self._writing():
            cursor = self.db.conn.execute(
                f"UPDATE media SET {assignments} WHERE id = ?", [*params, media_id]
            )
        if cursor.rowcount == 0:
            raise LibraryError(f"There is no media item {media_id} in this library.")
        return self._require(media_id)

    def _require(self, media_id: int) -> MediaItem:
        item = self.get(media_id)
        if item is None:
            raise LibraryError(f"There is no media item {media_id} in this library.")
        return item

    def _read(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        try:
            return self.db.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise LibraryError(f"The media library could not be read: {exc}.") from exc

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self.db.conn.execute(sql, params).fetchone()[0]
        except sqlite3.Error as exc:
            raise LibraryError(f"The media library could not be read: {exc}.") from exc

    def _by_ids(self, ids: Sequence[int]) -> list[MediaItem]:
        """The items with these ids, in the order given."""
        if not ids:
            return []
        # One parameter for any number of ids (SQLite limits bound parameters).
        sql = "SELECT m.* FROM media m WHERE m.id IN (SELECT value FROM json_each(?))"
        found = {i.id: i for i in self._rows(sql, [json.dumps(list(ids))])}
        return [found[i] for i in ids if i in found]

    def _rows(self, sql: str, params: Sequence[Any]) -> list[MediaItem]:
        try:
            cursor = self.db.conn.execute(sql, params)
            return rows_to_items([d[0] for d in cursor.description], cursor, self.root)
        except sqlite3.Error as exc:
            raise LibraryError(f"The media library could not be read: {exc}.") from exc
