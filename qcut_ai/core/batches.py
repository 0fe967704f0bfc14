"""The project's recent generations grouped by batch, and how History words them.

Pure: the journal rows are read by qcut_ai.engine.history.load_history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from qcut_ai.core.job_state import JobRecord, JobState

if TYPE_CHECKING:
    from qcut_ai.core.requests import GenerationRequest

HISTORY_PAGE = 20  # batches per page of History: more than its pane shows at once
RECENT_BATCHES = 100


def money_text(usd: float | None) -> str:
    return "price unknown" if usd is None else f"${usd:.2f}"


@dataclass(frozen=True)
class HistoryJob:
    """One model's run within a batch, as the history shows it."""

    job_id: str
    model_id: str
    model_name: str
    state: JobState
    error: str | None
    estimate_usd: float | None
    download_path: str | None


@dataclass(frozen=True)
class HistoryBatch:
    """One prompt sent to one or more models; `request` is None if it can no longer be read."""

    batch_id: str
    created_at: str
    request: GenerationRequest | None
    jobs: tuple[HistoryJob, ...]

    @property
    def model_ids(self) -> list[str]:
        return list(dict.fromkeys(job.model_id for job in self.jobs))

    @property
    def cost_text(self) -> str:
        """The batch's estimated cost, saying how many models had no known price."""
        known = [j.estimate_usd for j in self.jobs if j.estimate_usd is not None]
        unknown = len(self.jobs) - len(known)
        if not known:
            return money_text(None)
        total = money_text(sum(known))
        return f"{total} + {unknown} price unknown" if unknown else total


def _request_of(raw: dict[str, Any]) -> GenerationRequest | None:
    # The request model (pydantic) loads with the first History read, not with the panel.
    from pydantic import ValidationError

    from qcut_ai.core.requests import GenerationRequest

    try:
        return GenerationRequest.model_validate(raw)
    except ValidationError:
        return None  # written by another version of the app; shown, but not re-runnable


def group_batches(records: Iterable[JobRecord], limit: int = RECENT_BATCHES) -> list[HistoryBatch]:
    """Journal rows (any order) grouped by batch, newest batch first, models in their order."""
    rows: dict[str, list[JobRecord]] = {}
    for record in records:
        rows.setdefault(record.batch_id, []).append(record)
    batches = []
    for batch_id, members in rows.items():
        members.sort(key=lambda r: r.position)
        jobs = tuple(
            HistoryJob(
                r.id, r.model_id, r.model_name, r.state, r.error, r.estimate_usd, r.download_path
            )
            for r in members
        )
        created = min(r.created_at for r in members)
        batches.append(HistoryBatch(batch_id, created, _request_of(members[0].request), jobs))
    batches.sort(key=lambda b: b.created_at, reverse=True)
    return batches[:limit]


def settings_text(request: GenerationRequest | None) -> str:
    """The request's options in a few words: `5 s · 1080p · 16:9 · audio · seed 7`."""
    if request is None:
        return "Saved by another version: cannot be run again"
    parts: list[str] = []
    if request.duration is not None:
        parts.append(f"{request.duration} s")
    parts += [v for v in (request.resolution, request.aspect_ratio) if v]
    if request.generate_audio is not None:
        parts.append("audio" if request.generate_audio else "no audio")
    if request.seed is not None:
        parts.append(f"seed {request.seed}")
    inputs = [
        name
        for name, value in (
            ("image", request.image),
            ("last frame", request.end_image),
            ("audio file", request.audio),
            ("video", request.video),
        )
        if value
    ]
    parts += inputs
    if request.negative_prompt:
        parts.append("negative prompt")
    if request.extras:
        parts.append(f"{len(request.extras)} extra setting(s)")
    return " · ".join(parts) or "model defaults"


def when_text(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp
