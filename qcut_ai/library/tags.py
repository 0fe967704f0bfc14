"""Tag rows: cleaning user input, linking tags to items, dropping unused ones."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from qcut_ai.library.media_rows import TAG_SEPARATOR


def normalise_tags(tags: Iterable[str]) -> list[str]:
    """Trimmed, single-spaced, case-insensitively unique tags in their first spelling."""
    seen: dict[str, str] = {}
    for tag in tags:
        clean = " ".join(str(tag).replace(TAG_SEPARATOR, " ").split())
        if clean and clean.casefold() not in seen:
            seen[clean.casefold()] = clean
    return list(seen.values())


def link_tags(conn: sqlite3.Connection, media_id: int, tags: list[str]) -> None:
    """Attach already-normalised `tags` to one item, creating tag rows as needed."""
    for tag in tags:
        conn.execute("INSERT OR IGNORE INTO tag(name) VALUES (?)", [tag])
        conn.execute(
            "INSERT OR IGNORE INTO media_tag(media_id, tag_id) "
            "SELECT ?, id FROM tag WHERE name = ?",
            [media_id, tag],
        )


def drop_unused_tags(conn: sqlite3.Connection) -> None:
    """Forget tags no item carries any more, so tag pickers stay short."""
    conn.execute("DELETE FROM tag WHERE id NOT IN (SELECT DISTINCT tag_id FROM media_tag)")
