"""The WHERE and ORDER BY parts shared by listing and searching the library."""

from __future__ import annotations

import sqlite3
from typing import Any

from qcut_ai.core.bins import TOP_LEVEL
from qcut_ai.core.media_query import SEARCH_ORDERS, SORT_ORDERS, MediaQuery

ORDER_BY: dict[str, str] = {
    "newest": "m.created_at DESC, m.id DESC",
    "oldest": "m.created_at ASC, m.id ASC",
}
# The value each column order sorts on; items without one come last either way.
_SORT_KEYS: dict[str, str] = {
    "name": "m.name COLLATE NOCASE",
    "duration": "m.duration",
    "resolution": "m.width * m.height",
    "fps": "m.fps",
    "codec": "m.video_codec COLLATE NOCASE",
    "model": "m.model_name COLLATE NOCASE",
    "cost": "m.cost_estimate_usd",
    "rating": "m.rating",
    "created": "m.created_at",
    "bin": "m.bin_position",
}


# One index step per distinct model (media_model), where DISTINCT reads every row.
_MODELS = """
WITH RECURSIVE found(name) AS (
    SELECT min(model_name) FROM media
    UNION ALL
    SELECT (SELECT min(model_name) FROM media WHERE model_name > found.name)
    FROM found WHERE found.name IS NOT NULL
)
SELECT name FROM found WHERE name IS NOT NULL
"""
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def model_names(conn: sqlite3.Connection) -> list[str]:
    """The models present in the library, in SQLite's NOCASE order (ASCII case folded)."""
    names = [row[0] for row in conn.execute(_MODELS)]
    return sorted(names, key=lambda name: (name.translate(_ASCII_LOWER), name))


# Keys of NOT NULL columns, with an index in the same collation (media_name).
_NEVER_NULL = frozenset({"name"})


def where_clause(query: MediaQuery) -> tuple[list[str], list[Any]]:
    """SQL conditions on the `media` table aliased `m` for the query's filters."""
    where: list[str] = []
    params: list[Any] = []
    if query.kind is not None:
        where.append("m.kind = ?")
        params.append(str(query.kind))
    if query.origin is not None:
        where.append("m.origin = ?")
        params.append(str(query.origin))
    if query.model is not None:
        where.append("(m.endpoint = ? OR m.model_id = ? OR m.model_name = ?)")
        params += [query.model, query.model, query.model]
    if query.tag is not None:
        where.append(
            "EXISTS (SELECT 1 FROM media_tag mt JOIN tag t ON t.id = mt.tag_id "
            "WHERE mt.media_id = m.id AND t.name = ?)"
        )
        params.append(query.tag.strip())
    if query.min_rating is not None:
        where.append("m.rating >= ?")
        params.append(query.min_rating)
    if query.favourite is not None:
        where.append("m.favourite = ?")
        params.append(int(query.favourite))
    if query.bin == TOP_LEVEL:
        where.append("m.bin_id IS NULL")
    elif query.bin is not None:
        where.append("m.bin_id = ?")
        params.append(query.bin)
    return where, params


def order_by(sort: str, *, searching: bool = False, descending: bool = False) -> str:
    """The ORDER BY expression for `sort`; ValueError for an unknown order.

    The list view's columns sort here, in SQL, so a library of 100k items is
    never loaded to be sorted: the view only ever holds the pages it shows.
    """
    if searching and sort == "rank":  # among the matches best_matches scores
        return "f.rank, m.created_at DESC, m.id DESC"
    if sort in ORDER_BY:
        return ORDER_BY[sort]
    key = _SORT_KEYS.get(sort)
    if key is None:
        allowed = SEARCH_ORDERS if searching else SORT_ORDERS
        raise ValueError(f"unknown sort order {sort!r}; use one of {', '.join(allowed)}")
    way = "DESC" if descending else "ASC"
    if sort in _NEVER_NULL:  # no NULL term: the index on the key serves the order as is
        return f"{key} {way}, m.id {way}"
    return f"{key} IS NULL, {key} {way}, m.id {way}"


# Pages after the first continue from the last row shown (keyset paging) in these
# orders: the index on created_at reads the next page at once wherever it is,
# where OFFSET walks every row before it (about a second deep in a million rows),
# and rows added or removed above meanwhile neither repeat nor skip a row.
# `created_at <= ?` is the range the index serves; the rest breaks ties on id.
_AFTER: dict[str, str] = {
    "newest": "m.created_at <= ? AND (m.created_at < ? OR m.id < ?)",
    "oldest": "m.created_at >= ? AND (m.created_at > ? OR m.id > ?)",
}


_OUTER_ORDER = {"newest": "created_at DESC, id DESC", "oldest": "created_at ASC, id ASC"}
_TOP_RATING = 5  # the schema's CHECK (rating BETWEEN 0 AND 5)


def rated_page_sql(
    query: MediaQuery, offset: int, keyset: tuple[str, list[Any]] | None
) -> tuple[str, list[Any]] | None:
    """SQL for the ids of one page listed by date with a rating floor, or None when the
    plain listing serves (no floor, another order, or a floor every item meets).

    `rating >= n ORDER BY created_at` has no index that gives both: SQLite walks
    the dates and tests each row, a million row reads when few are rated (10 s).
    One range of media_rating (rating, created_at) per rating value is already
    in date order; merging the first rows of each is the page.
    """
    floor = query.min_rating
    if floor is None or floor <= 0 or query.sort not in _OUTER_ORDER:
        return None
    where, params = where_clause(query.with_(min_rating=None))
    if keyset is not None:
        where, params = [*where, keyset[0]], [*params, *keyset[1]]
    order = ORDER_BY[query.sort]
    parts: list[str] = []
    values: list[Any] = []
    for rating in range(floor, _TOP_RATING + 1):
        conditions = " AND ".join([*where, "m.rating = ?"])
        parts.append(
            f"SELECT * FROM (SELECT m.id, m.created_at FROM media m WHERE {conditions} "
            f"ORDER BY {order} LIMIT ?)"
        )
        values += [*params, rating, offset + query.limit]
    if not parts:  # a floor above the top rating
        return "SELECT id FROM media WHERE 0", []
    sql = (
        f"SELECT id FROM ({' UNION ALL '.join(parts)}) "
        f"ORDER BY {_OUTER_ORDER[query.sort]} LIMIT ? OFFSET ?"
    )
    return sql, [*values, query.limit, offset]


def after_clause(sort: str, created_at: str, media_id: int) -> tuple[str, list[Any]] | None:
    """The condition for the rows after (`created_at`, `media_id`) in `sort` order,
    or None when that order pages by offset."""
    condition = _AFTER.get(sort)
    if condition is None:
        return None
    return condition, [created_at, created_at, media_id]
