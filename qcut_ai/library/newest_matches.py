"""A page of search matches newest (or oldest) first, without dating every match.

Joining the index with `media` and sorting reads one row per match: 10,000
matches of a word in a million items take ~30 ms, a word in every prompt
over a second. The page needs only the newest matches, and in a library new
items get new ids, so the matches with the highest ids are nearly always
the newest. They are read first (the full-text index walks its ids in order
and stops early); the page's last date then bounds what any other match
would need to be newer than, and the created_at index lists the few rows
that are (items imported with an old date keep their place). Few matches
are simply all dated. Either way the page is exactly what the join gives.
"""

from __future__ import annotations

import json
import sqlite3

# A page ending `need` rows down dates the newest max(DATE_ALL, 2 * need) matching
# ids (all matches when there are no more). The spare `need` keeps the page's last
# date above most items imported with old dates among the newest ids, so the rows
# newer than it are few to list. Dating costs ~1 us a match, so a page of 100 costs
# about the same from 200 matches to 5,000 (bench_search_matches.py); dating every
# match up to 2,000 made it grow with each.
DATE_ALL = 200
# Past this many rows that could be newer than the page, the plain join is cheaper.
_CHECK_MAX = 2_000

_IDS = (
    "SELECT rowid FROM media_fts WHERE media_fts MATCH ? AND rowid <= ? "
    "ORDER BY rowid {way} LIMIT ?"
)
_DATES = (
    "SELECT id, created_at FROM media INDEXED BY media_dates "
    "WHERE id IN (SELECT value FROM json_each(?))"
)
# Rows that sort before the page's last match but were not among the candidates.
_NEWER = "SELECT id FROM media WHERE created_at >= ? AND id < ? LIMIT ?"
_OLDER = "SELECT id FROM media WHERE created_at <= ? AND id > ? AND id <= ? LIMIT ?"
_MATCHES = "SELECT 1 FROM media_fts WHERE media_fts MATCH ? AND rowid = ?"
_JOIN = (
    "SELECT m.id FROM media_fts f JOIN media m ON m.id = f.rowid WHERE media_fts MATCH ? "
    "AND m.id <= ? ORDER BY m.created_at {way}, m.id {way} LIMIT ? OFFSET ?"
)


# SQLite's largest rowid: no bound.
_ANY_ID = 2**63 - 1


def dated_ids(
    conn: sqlite3.Connection,
    match: str,
    limit: int,
    offset: int = 0,
    *,
    oldest: bool = False,
    below: int | None = None,
) -> list[int]:
    """Ids of the matches of `match` ordered by (created_at, id), newest first unless
    `oldest`: the page `offset`..`offset + limit` of that order, of the matches with
    ids below `below` if given."""
    if limit <= 0:
        return []
    way = "ASC" if oldest else "DESC"
    need = offset + limit
    top = _ANY_ID if below is None else below - 1
    fetch = max(DATE_ALL, 2 * need) + 1
    ids = [r[0] for r in conn.execute(_IDS.format(way=way), [match, top, fetch])]
    if len(ids) < fetch:  # every match is here
        return _page_of(_dates(conn, ids), offset, limit, oldest)
    # The newest ids first: enough of them for the page and as many to spare.
    candidates = ids[:-1]
    dates = _dates(conn, candidates)
    ranked = sorted(dates.items(), key=lambda d: (d[1], d[0]), reverse=not oldest)
    bound = ranked[need - 1][1]
    edge = candidates[-1]  # the lowest id read (the highest, oldest first)
    # Newest first, `id < edge` already keeps below the bound; oldest first needs it.
    sql, values = (_OLDER, [bound, edge, top]) if oldest else (_NEWER, [bound, edge])
    others = [r[0] for r in conn.execute(sql, [*values, _CHECK_MAX + 1])]
    if len(others) > _CHECK_MAX:  # dates do not follow ids here: let SQLite sort it all
        rows = conn.execute(_JOIN.format(way=way), [match, top, limit, offset])
        return [r[0] for r in rows]
    found = [i for i in others if conn.execute(_MATCHES, [match, i]).fetchone()]
    if found:
        dates.update(_dates(conn, found))
    return _page_of(dates, offset, limit, oldest)


def _dates(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    return dict(conn.execute(_DATES, [json.dumps(ids)]).fetchall())


def _page_of(dates: dict[int, str], offset: int, limit: int, oldest: bool) -> list[int]:
    ordered = sorted(dates, key=lambda i: (dates[i], i), reverse=not oldest)
    return ordered[offset : offset + limit]
