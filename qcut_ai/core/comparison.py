"""Comparing takes: the clips set side by side, how the grid is shaped, and the pick.

Pure values: the library stores them (qcut_ai.library.comparisons), the
compare view shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from qcut_ai.core.job_state import JobState

if TYPE_CHECKING:
    from qcut_ai.core.media import MediaItem
    from qcut_ai.core.requests import GenerationRequest

MIN_TAKES, MAX_TAKES = 2, 6
PICK_TAG, ALTERNATE_TAG = "pick", "alternate"
ALTERNATE_RELATION = "alternate_of"


def takes_problem(count: int) -> str | None:
    """One sentence when `count` clips cannot be compared, else None."""
    if count < MIN_TAKES:
        return f"Select at least {MIN_TAKES} clips to compare them side by side."
    if count > MAX_TAKES:
        return f"Up to {MAX_TAKES} clips can be compared at once; {count} are selected."
    return None


def grid_shape(count: int, aspect: float = 16 / 9) -> tuple[int, int]:
    """Rows and columns for `count` cells: 1x2, 2x2 or 2x3.

    Three tall clips (portrait, aspect below 1) sit best in one row of three:
    a 2x2 grid would shrink each to a quarter of the height.
    """
    if count <= 2:
        return (1, 2)
    if count == 3 and aspect < 1:
        return (1, 3)
    if count <= 4:
        return (2, 2)
    return (2, 3)


@dataclass(frozen=True)
class Take:
    """One cell of a comparison: a job of a batch and its clip once it has landed."""

    job_id: str | None
    model_id: str
    model_name: str
    state: JobState | None = None
    item: MediaItem | None = None
    generation_s: float | None = None
    error: str | None = None

    @property
    def landed(self) -> bool:
        return self.item is not None

    @property
    def waiting(self) -> bool:
        """Still on its way: a job that has not ended."""
        return self.item is None and self.state is not None and not self.state.terminal


@dataclass(frozen=True)
class Comparison:
    """A saved comparison: its takes in grid order and the winner's media id, if picked."""

    comparison_id: int | None
    batch_id: str | None
    takes: tuple[Take, ...]
    winner_id: int | None = None
    request: GenerationRequest | None = None  # the batch's request, to regenerate like it
    created_at: str = ""
    problems: list[str] = field(default_factory=list)

    def take_of(self, media_id: int) -> Take | None:
        return next((t for t in self.takes if t.item and t.item.id == media_id), None)


def seconds_between(start: str | None, end: str | None) -> float | None:
    """Seconds from one ISO-8601 stamp to another (None when either is unknown)."""
    if not start or not end:
        return None
    try:
        return max(
            0.0, (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
        )
    except ValueError:
        return None


def regenerate_request(comparison: Comparison, winner: MediaItem) -> GenerationRequest | None:
    """The winner's settings to run on other models: its batch's request with its seed.

    A comparison of library clips has no batch request; the winner's provenance
    (prompt, negative prompt, seed and the common options) stands in for it.
    """
    prov = winner.provenance
    seed = prov.seed if prov is not None else None
    if comparison.request is not None:
        request = comparison.request.model_copy(deep=True)
        if request.seed is None and seed is not None:
            request.seed = seed
        return request
    if prov is None or not prov.prompt:
        return None
    from qcut_ai.core.requests import GenerationRequest  # pydantic: not with the panel

    args = prov.arguments
    duration = str(args.get("duration", "")).rstrip("s")
    return GenerationRequest(
        prompt=prov.prompt,
        negative_prompt=prov.negative_prompt or None,
        seed=seed,
        duration=int(duration) if duration.isdigit() else None,
        resolution=args.get("resolution") if isinstance(args.get("resolution"), str) else None,
        aspect_ratio=args.get("aspect_ratio")
        if isinstance(args.get("aspect_ratio"), str)
        else None,
    )
