"""Saved comparisons of takes, and what picking a winner writes into the library.

The winner gets the "pick" tag; every other take gets "alternate" and is
stacked under the winner (media.parent_id, relation "alternate_of"), which
its provenance shows as where it came from. A take that already descends
from another clip (an upscale, a remix) keeps that lineage.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from qcut_ai.core.comparison import ALTERNATE_RELATION, ALTERNATE_TAG, PICK_TAG
from qcut_ai.core.errors import LibraryError
from qcut_ai.library.db import write_transaction
from qcut_ai.library.repository import MediaRepository

Slot = dict[str, Any]  # {"job_id": str | None, "media_id": int | None}


def _now() -> str:
    return datetime.now(UTC).isoformat()


class ComparisonStore:
    """The `comparison` table: one row per comparison, one per batch at most."""

    def __init__(self, db: Database, repo: MediaRepository) -> None:
        self.db = db
        self.repo = repo

    def save(self, slots: Sequence[Slot], batch_id: str | None = None) -> int:
        """Store (or, for a batch already compared, update) a comparison; its id."""
        text = json.dumps(
            [{"job_id": s.get("job_id"), "media_id": s.get("media_id")} for s in slots]
        )
        with write_transaction(self.db):
            if batch_id is not None:
                row = self.db.conn.execute(
                    "SELECT id FROM comparison WHERE batch_id = ?", [batch_id]
                ).fetchone()
                if row is not None:
                    self.db.conn.execute(
                        "UPDATE comparison SET slots = ? WHERE id = ?", [text, row[0]]
                    )
                    return int(row[0])
            cursor = self.db.conn.execute(
                "INSERT INTO comparison (batch_id, slots, created_at) VALUES (?, ?, ?)",
                [batch_id, text, _now()],
            )
            return int(cursor.lastrowid or 0)

    def get(self, comparison_id: int) -> dict[str, Any] | None:
        return self._row("SELECT * FROM comparison WHERE id = ?", [comparison_id])

    def for_batch(self, batch_id: str) -> dict[str, Any] | None:
        return self._row("SELECT * FROM comparison WHERE batch_id = ?", [batch_id])

    def pick(self, comparison_id: int, winner_id: int, others: Sequence[int]) -> None:
        """Mark `winner_id` the pick and `others` its alternates, in one transaction."""
        if self.get(comparison_id) is None:
            raise LibraryError("This comparison is no longer in the library; open it again.")
        with write_transaction(self.db):
            winner = self.repo.get(winner_id)
            if winner is None:
                raise LibraryError("The picked clip is no longer in the library.")
            tags = [t for t in winner.tags if t.lower() != ALTERNATE_TAG]
            self.repo.set_tags(winner_id, [*tags, PICK_TAG])
            # The winner heads the stack now, even if an earlier pick stacked it under another.
            self.db.conn.execute(
                "UPDATE media SET parent_id = NULL, relation = NULL WHERE id = ? AND relation = ?",
                [winner_id, ALTERNATE_RELATION],
            )
            self._lineage(winner_id, None)
            for other in others:
                item = self.repo.get(other)
                if item is None or other == winner_id:
                    continue
                kept = [t for t in item.tags if t.lower() != PICK_TAG]
                self.repo.set_tags(other, [*kept, ALTERNATE_TAG])
                self.db.conn.execute(
                    "UPDATE media SET parent_id = ?, relation = ? "
                    "WHERE id = ? AND (relation IS NULL OR relation = ?)",
                    [winner_id, ALTERNATE_RELATION, other, ALTERNATE_RELATION],
                )
                self._lineage(other, winner_id)
            self.db.conn.execute(
                "UPDATE comparison SET winner_id = ?, picked_at = ? WHERE id = ?",
                [winner_id, _now(), comparison_id],
            )

    def _lineage(self, media_id: int, parent: int | None) -> None:
        """Write the stack into the provenance shown in the details (not over other lineage)."""
        row = self.db.conn.execute(
            "SELECT provenance FROM media WHERE id = ?", [media_id]
        ).fetchone()
        if row is None or not row[0]:
            return
        try:
            data = json.loads(row[0])
        except ValueError:
            return
        if not isinstance(data, dict):
            return
        if data.get("relation") not in (None, ALTERNATE_RELATION):
            return  # an upscale or remix keeps naming what it came from
        data["parent_id"], data["relation"] = parent, ALTERNATE_RELATION if parent else None
        self.db.conn.execute(
            "UPDATE media SET provenance = ? WHERE id = ?", [json.dumps(data), media_id]
        )

    def _row(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        cursor = self.db.conn.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        names = [d[0] for d in cursor.description]
        out = dict(zip(names, row, strict=True))
        out["slots"] = json.loads(out["slots"] or "[]")
        return out
