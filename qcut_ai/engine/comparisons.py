"""Assembling comparisons from the journal and the library, and saving the pick.

A batch's takes come from its journal rows (in the order the models were
chosen), each with its clip once it has landed; a comparison of library clips
has only clips. Either is saved in the library's `comparison` table so it can
be reopened with its pick.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError
from sqlite_utils import Database

from qcut_ai.core.comparison import Comparison, Take, seconds_between
from qcut_ai.core.errors import LibraryError
from qcut_ai.core.job_state import JobRecord
from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.library.comparisons import ComparisonStore
from qcut_ai.library.project_db import project_database
from qcut_ai.library.repository import MediaRepository


def _generation_seconds(item: MediaItem | None, record: JobRecord | None) -> float | None:
    prov = item.provenance if item is not None else None
    if prov is not None and (took := seconds_between(prov.submitted_at, prov.completed_at)):
        return took
    if record is not None:
        return seconds_between(record.submitted_at, record.completed_at)
    return None


def _clip_take(item: MediaItem) -> Take:
    return Take(
        job_id=None,
        model_id=item.provenance.model_id if item.provenance else "",
        model_name=item.model_name or item.display_name,
        item=item,
        generation_s=_generation_seconds(item, None),
    )


def _request(raw: dict[str, object]) -> GenerationRequest | None:
    try:
        return GenerationRequest.model_validate(raw)
    except ValidationError:
        return None  # written by another version: shown, but not regenerated from


def _batch_records(db: Database, batch_id: str) -> list[JobRecord]:
    rows = db.query("SELECT * FROM jobs WHERE batch_id = ? ORDER BY position", [batch_id])
    return [JobRecord.from_row(r) for r in rows]


def _batch_of_job(db: Database, job_id: str) -> str:
    row = db.conn.execute("SELECT batch_id FROM jobs WHERE id = ?", [job_id]).fetchone()
    if row is None:
        raise LibraryError("That job is no longer in the journal, so its batch cannot be compared.")
    return str(row[0])


def _record_item(repo: MediaRepository, record: JobRecord) -> MediaItem | None:
    if record.media_id is not None and (item := repo.get(record.media_id)) is not None:
        return item
    return repo.get_by_request_id(record.request_id) if record.request_id else None


def _assemble(db: Database, project: ProjectPaths, batch_id: str) -> Comparison:
    repo = MediaRepository(db, project.root)
    store = ComparisonStore(db, repo)
    records = _batch_records(db, batch_id)
    if not records:
        raise LibraryError("That batch is no longer in the journal, so it cannot be compared.")
    takes = []
    for record in records:
        item = _record_item(repo, record)
        takes.append(
            Take(
                job_id=record.id,
                model_id=record.model_id,
                model_name=record.model_name,
                state=record.state,
                item=item,
                generation_s=_generation_seconds(item, record),
                error=record.error,
            )
        )
    slots = [{"job_id": t.job_id, "media_id": t.item.id if t.item else None} for t in takes]
    comparison_id = store.save(slots, batch_id=batch_id)
    saved = store.get(comparison_id) or {}
    return Comparison(
        comparison_id,
        batch_id,
        tuple(takes),
        winner_id=saved.get("winner_id"),
        request=_request(records[0].request),
        created_at=str(saved.get("created_at", "")),
    )


def compare_batch(project: ProjectPaths, batch_id: str) -> Comparison:
    """The batch's takes as they stand (waiting ones without a clip), saved for History."""
    with project_database(project) as db:
        return _assemble(db, project, batch_id)


def compare_job_batch(project: ProjectPaths, job_id: str) -> Comparison:
    """The comparison of the batch `job_id` belongs to."""
    with project_database(project) as db:
        return _assemble(db, project, _batch_of_job(db, job_id))


def compare_clips(project: ProjectPaths, media_ids: Sequence[int]) -> Comparison:
    """A comparison of library clips in the order given, saved."""
    with project_database(project) as db:
        repo = MediaRepository(db, project.root)
        items = repo.get_many(media_ids)
        if len(items) != len(media_ids):
            raise LibraryError("Some of the selected clips are no longer in the library.")
        store = ComparisonStore(db, repo)
        comparison_id = store.save([{"job_id": None, "media_id": i.id} for i in items])
        return Comparison(comparison_id, None, tuple(_clip_take(i) for i in items))


def pick_winner(project: ProjectPaths, comparison: Comparison, winner_id: int) -> list[MediaItem]:
    """Store the pick; the takes' clips as the library now holds them (winner first)."""
    others = [t.item.id for t in comparison.takes if t.item and t.item.id != winner_id]
    if comparison.comparison_id is None:
        raise LibraryError("This comparison was not saved; open it again before picking.")
    with project_database(project) as db:
        repo = MediaRepository(db, project.root)
        ComparisonStore(db, repo).pick(comparison.comparison_id, winner_id, others)
        return repo.get_many([winner_id, *others])
