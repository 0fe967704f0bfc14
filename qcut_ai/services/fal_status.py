"""What the gateway and the status stream say about one fal job (no I/O here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Submission:
    """What fal returned on submit; stored in the journal before anything else."""

    endpoint: str
    request_id: str
    status_url: str
    response_url: str
    cancel_url: str


@dataclass(frozen=True)
class RemoteStatus:
    """One status poll, in our words."""

    state: str  # "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED"
    queue_position: int | None = None
    logs: list[dict[str, Any]] = field(default_factory=list)
    error: Any = None
    error_type: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PollPolicy:
    """How to follow a job (stream, else poll how often) and when to give up waiting."""

    interval_s: float = 1.0
    max_interval_s: float = 2.0
    growth: float = 1.25
    deadline_factor: float = 4.0
    deadline_grace_s: float = 300.0
    rate_limit_attempts: int = 4
    rate_limit_backoff_s: float = 2.0
    # Follow fal's status stream (one request per job); polling stays the fallback.
    stream: bool = True

    def deadline_for(self, typical_seconds: float) -> float:
        return max(typical_seconds * self.deadline_factor, typical_seconds + self.deadline_grace_s)


StatusCallback = Callable[[RemoteStatus], None]
AbortCheck = Callable[[], bool]
