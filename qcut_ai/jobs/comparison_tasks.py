"""Comparison reads and writes as plain functions for the database runner.

The compare view never imports the engine or the library: it starts these
and takes the answer on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qcut_ai.core.comparison import Comparison
from qcut_ai.core.project import ProjectPaths

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem


def compare_batch(project: ProjectPaths, batch_id: str) -> Comparison:
    """The batch's takes as they stand now, saved so History can reopen them."""
    from qcut_ai.engine.comparisons import compare_batch as assemble

    return assemble(project, batch_id)


def compare_job_batch(project: ProjectPaths, job_id: str) -> Comparison:
    """The takes of the batch that `job_id` belongs to."""
    from qcut_ai.engine.comparisons import compare_job_batch as assemble

    return assemble(project, job_id)


def compare_clips(project: ProjectPaths, media_ids: Sequence[int]) -> Comparison:
    """Library clips set side by side, saved."""
    from qcut_ai.engine.comparisons import compare_clips as assemble

    return assemble(project, media_ids)


def pick_winner(project: ProjectPaths, comparison: Comparison, winner_id: int) -> list[MediaItem]:
    """Store the pick (tags, stack, comparison row); the changed clips, winner first."""
    from qcut_ai.engine.comparisons import pick_winner as pick

    return pick(project, comparison, winner_id)
