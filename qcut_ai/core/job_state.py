"""Job states, the groups of states each layer asks about, and a job's journal record.

Shared by the engine, the CLI, the Qt job model and the views: one table of
which state means what, instead of a copy per module.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class JobState(StrEnum):
    """Where a job is. Each state is written to the journal before the step it names."""

    QUEUED = "queued"  # in our local queue, nothing sent
    SUBMITTING = "submitting"  # POST about to be sent; outcome unknown until saved
    SUBMITTED = "submitted"  # fal gave us a request id
    IN_QUEUE = "in_queue"  # fal's queue, with a position
    GENERATING = "generating"  # fal reports IN_PROGRESS
    COMPLETED = "completed"  # fal finished; result JSON saved
    DOWNLOADING = "downloading"
    INGESTING = "ingesting"  # probe, thumbnail, library row
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"  # submit may have reached fal; check the dashboard

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATES

    @property
    def remote(self) -> bool:
        """True when fal holds a request id for this job."""
        return self in REMOTE_STATES

    @property
    def label(self) -> str:
        return _LABELS[self]


TERMINAL_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED, JobState.UNKNOWN})
REMOTE_STATES = frozenset(
    {JobState.SUBMITTED, JobState.IN_QUEUE, JobState.GENERATING, JobState.COMPLETED}
)

# Where the runner picks a job up: the paid part, then the local part.
GENERATE_STATES = frozenset(
    {
        JobState.QUEUED,
        JobState.SUBMITTING,
        JobState.SUBMITTED,
        JobState.IN_QUEUE,
        JobState.GENERATING,
    }
)
INGEST_STATES = frozenset({JobState.COMPLETED, JobState.DOWNLOADING, JobState.INGESTING})
# What the job list shows as busy at fal, and what it offers to retry.
ACTIVE_STATES = frozenset(
    {JobState.SUBMITTED, JobState.IN_QUEUE, JobState.GENERATING, JobState.SUBMITTING}
)
RETRYABLE_STATES = frozenset({JobState.FAILED, JobState.CANCELLED, JobState.UNKNOWN})
# What a job means for the user's money (fal bills only successful outputs).
SPENT_STATES = frozenset(
    {JobState.COMPLETED, JobState.DOWNLOADING, JobState.INGESTING, JobState.DONE}
)
FREE_STATES = frozenset({JobState.FAILED, JobState.CANCELLED})
# Everything else is pending, `unknown` included: that submit may have reached fal.
PENDING_STATES = frozenset(set(JobState) - SPENT_STATES - FREE_STATES)

_LABELS = {
    JobState.QUEUED: "Queued",
    JobState.SUBMITTING: "Submitting",
    JobState.SUBMITTED: "Submitted",
    JobState.IN_QUEUE: "In fal's queue",
    JobState.GENERATING: "Generating",
    JobState.COMPLETED: "Finished at fal",
    JobState.DOWNLOADING: "Downloading",
    JobState.INGESTING: "Adding to library",
    JobState.DONE: "Done",
    JobState.FAILED: "Failed",
    JobState.CANCELLED: "Cancelled",
    JobState.UNKNOWN: "Unknown: check the fal dashboard",
}


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def monotonic_at(stamp: str | None) -> float | None:
    """A journal timestamp on this process's monotonic clock (None if absent or unreadable),
    so elapsed times and deadlines count from when fal took the job, across restarts."""
    if not stamp:
        return None
    try:
        age = (datetime.now(UTC) - datetime.fromisoformat(stamp)).total_seconds()
    except ValueError:
        return None
    return time.monotonic() - max(0.0, age)


@dataclass(frozen=True)
class JobRecord:
    """A journal row as the engine and views read it."""

    id: str
    batch_id: str
    position: int
    model_id: str
    endpoint: str
    model_name: str
    state: JobState
    request: dict[str, Any]
    arguments: dict[str, Any]
    estimate_usd: float | None
    price_unit: str | None
    price_rate: str | None
    request_id: str | None
    status_url: str | None
    response_url: str | None
    cancel_url: str | None
    queue_position: int | None
    result: dict[str, Any] | None
    download_path: str | None
    media_id: int | None
    error: str | None
    error_kind: str | None
    retry_of: str | None
    created_at: str
    updated_at: str
    submitted_at: str | None
    completed_at: str | None
    finished_at: str | None
    backend: str | None = None
    # Inputs the runner uploaded for this job: role, local path, sha256.
    inputs: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> JobRecord:
        def js(key: str) -> Any:
            return json.loads(row[key]) if row.get(key) else None

        return cls(
            id=row["id"],
            batch_id=row["batch_id"],
            position=row["position"],
            model_id=row["model_id"],
            endpoint=row["endpoint"],
            model_name=row["model_name"],
            state=JobState(row["state"]),
            request=js("request_json") or {},
            arguments=js("arguments_json") or {},
            estimate_usd=row["estimate_usd"],
            price_unit=row["price_unit"],
            price_rate=row["price_rate"],
            request_id=row["request_id"],
            status_url=row["status_url"],
            response_url=row["response_url"],
            cancel_url=row["cancel_url"],
            queue_position=row["queue_position"],
            result=js("result_json"),
            download_path=row["download_path"],
            media_id=row["media_id"],
            error=row["error"],
            error_kind=row["error_kind"],
            retry_of=row["retry_of"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            submitted_at=row["submitted_at"],
            completed_at=row["completed_at"],
            finished_at=row["finished_at"],
            backend=row.get("backend"),
            inputs=js("inputs_json") or [],
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "batch_id": self.batch_id,
            "model": self.endpoint,
            "model_id": self.model_id,
            "model_name": self.model_name,
            "state": self.state.value,
            "request_id": self.request_id,
            "cost_estimate_usd": self.estimate_usd,
            "prompt": self.request.get("prompt"),
            # The exact arguments sent, so an uncertain job can be found at fal.
            "arguments": self.arguments,
            "backend": self.backend,
            "retry_of": self.retry_of,
            "error": self.error,
            "media_id": self.media_id,
            "created_at": self.created_at,
            "submitted_at": self.submitted_at,
            "finished_at": self.finished_at,
        }
