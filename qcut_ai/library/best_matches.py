"""A page of search matches best first, without scoring every match.

FTS5 scores a match (bm25) only when it is read, and ordering by score reads
every match: 10,000 matches of a word in a million items cost 20-30 ms of
scoring alone, and the cost grows with every match. So "best match" is:

- the newest `SCORED` matches (by id, which is the order items were added in)
  come first, ordered by bm25 relevance, newest first among equal scores;
- older matches, when there are more, follow newest first (by date, as the
  newest-first search lists them).

A word matched by up to `SCORED` items, which is every word in all but the
largest libraries, is ranked on all of them. Reading the newest ids is what
the full-text index does cheaply (it walks ids in order and stops early), so
the cost is bounded by `SCORED` whatever the library's size.
`ranked_join` is the same rule as SQL over the join with `media`, for searches
with filters, where the join is needed anyway.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from qcut_ai.core.media_query import BEST_MATCH_SCORED
from qcut_ai.library.newest_matches import dated_ids

# How many of the newest matches are ranked by relevance (about 4 us of bm25 each).
SCORED = BEST_MATCH_SCORED

_SCORES = "SELECT rowid, rank FROM media_fts WHERE media_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
_DATES = (
    "SELECT id, created_at FROM media INDEXED BY media_dates "
    "WHERE id IN (SELECT value FROM json_each(?))"
)
# The lowest id among the newest SCORED matches (with the filters): scored above it.
_EDGE = (
    "SELECT min(id) FROM (SELECT m.id FROM media_fts f JOIN media m ON m.id = f.rowid "
    "WHERE media_fts MATCH ?{extra} ORDER BY m.id DESC LIMIT ?)"
)
_JOIN = (
    "SELECT m.id FROM media_fts f JOIN media m ON m.id = f.rowid WHERE media_fts MATCH ?{extra} "
    "ORDER BY m.id < ?, CASE WHEN m.id >= ? THEN f.rank END, m.created_at DESC, m.id DESC "
    "LIMIT ? OFFSET ?"
)


def ranked_ids(conn: sqlite3.Connection, match: str, limit: int, offset: int = 0) -> list[int]:
    """Ids of the matches of `match` in best-match order (the module's rule): the page
    `offset`..`offset + limit`."""
    if limit <= 0 or offset < 0:
        return []
    end = offset + limit
    scored: list[tuple[int, float]] = conn.execute(_SCORES, [match, SCORED + 1]).fetchall()
    older = len(scored) > SCORED
    del scored[SCORED:]
    page = _best_of(conn, scored, offset, end) if offset < len(scored) else []
    if older and end > SCORED:
        # The matches below the scored ones (lower ids), newest first.
        skip = max(offset - SCORED, 0)
        page += dated_ids(conn, match, end - SCORED - skip, skip, below=scored[-1][0])
    return page


def _best_of(
    conn: sqlite3.Connection, scored: list[tuple[int, float]], start: int, end: int
) -> list[int]:
    """Rows `start`..`end` of `scored` ordered by rank, then newest first."""
    ranks = sorted(rank for _, rank in scored)
    end = min(end, len(ranks))
    lo, hi = ranks[start], ranks[end - 1]
    # Only the matches ranked from the page's first to its last, the ties on both
    # edges whole, need their dates: their order within a tie depends on them.
    candidates = {rowid: rank for rowid, rank in scored if lo <= rank <= hi}
    before = sum(1 for rank in ranks if rank < lo)
    created = dict(conn.execute(_DATES, [json.dumps(list(candidates))]).fetchall())
    ids = sorted(created, key=lambda i: (created[i], i), reverse=True)  # newest first
    ids.sort(key=candidates.__getitem__)  # stable: best first, newest first within a tie
    return ids[start - before : end - before]


def ranked_join(
    conn: sqlite3.Connection,
    match: str,
    limit: int,
    offset: int = 0,
    where: list[str] | None = None,
    params: list[Any] | None = None,
) -> list[int]:
    """The same order in SQL over the join with `media`, with `where` conditions on
    `media m` (queries.where_clause): the newest SCORED matches that pass them are
    the scored ones."""
    extra = "".join(f" AND {w}" for w in where or [])
    values = params or []
    edge = conn.execute(_EDGE.format(extra=extra), [match, *values, SCORED]).fetchone()[0]
    edge = 0 if edge is None else edge
    rows = conn.execute(
        _JOIN.format(extra=extra), [match, *values, edge, edge, limit, offset]
    ).fetchall()
    return [r[0] for r in rows]
