"""Jobs of the stand-in's queue and the clock that moves them along.

A job's state is a function of time since submit: IN_QUEUE while the queue
phase lasts (the position counting down), IN_PROGRESS while it "generates"
(log lines appearing) and until its video is encoded, then COMPLETED. A
cancel or a forced completion ends it early.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from qcut_ai.services.rehearsal.faults import FaultSpec

State = Literal["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]


@dataclass(frozen=True)
class LatencyProfile:
    """How long jobs wait and generate, and how large the stand-in renders."""

    name: str
    queue_s: float
    generate_s: float
    initial_position: int
    max_short_side: int | None  # None renders the true size
    max_duration: float | None  # None renders the full duration


PROFILES: dict[str, LatencyProfile] = {
    "instant": LatencyProfile("instant", 0.1, 0.3, 3, 180, 4.0),
    "fast": LatencyProfile("fast", 1.0, 2.0, 4, 360, None),
    "realistic": LatencyProfile("realistic", 0.0, 0.0, 6, None, None),
}
# Share of a realistic job's typical time spent waiting in the queue.
_REALISTIC_QUEUE_SHARE = 0.2
_TAG = re.compile(r"\[(profile|queue|generate):([A-Za-z0-9_.]+)\]")

# (fraction of the generating phase, level, message) for the log lines.
_LOG_PLAN = (
    (0.0, "INFO", "Loading model {endpoint}"),
    (0.1, "INFO", "Model loaded, starting inference"),
    (0.25, "INFO", "Generating frames 25%"),
    (0.5, "INFO", "Generating frames 50%"),
    (0.75, "INFO", "Generating frames 75%"),
    (0.9, "INFO", "Generating frames 100%"),
    (0.95, "INFO", "Encoding video"),
    (1.0, "INFO", "Uploading result"),
)


def profile_named(name: str) -> LatencyProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(
            f"Unknown stand-in profile {name!r}; use one of {', '.join(PROFILES)}."
        ) from None


def typical_seconds(endpoint: str, typical: Mapping[str, float]) -> float:
    """Typical run time of an endpoint: from the mapping, else a stable 30-120 s."""
    for key in (endpoint, *_parents(endpoint)):
        if key in typical:
            return float(typical[key])
    digest = hashlib.sha1(endpoint.encode("utf-8")).digest()
    return 30.0 + (digest[0] / 255.0) * 90.0


def _parents(endpoint: str) -> list[str]:
    parts = endpoint.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts) - 1, 1, -1)]


def job_timing(
    profile: LatencyProfile,
    endpoint: str,
    prompt: str,
    typical: Mapping[str, float],
) -> tuple[LatencyProfile, float, float]:
    """The profile, queue and generation seconds for a job; prompt tags override."""
    queue: float | None = None
    generate: float | None = None
    for key, value in _TAG.findall(prompt):
        if key == "profile" and value in PROFILES:
            profile = PROFILES[value]
        elif key == "queue":
            queue = float(value)
        elif key == "generate":
            generate = float(value)
    if profile.name == "realistic":
        total = typical_seconds(endpoint, typical)
        base_queue, base_generate = total * _REALISTIC_QUEUE_SHARE, total * 0.8
    else:
        base_queue, base_generate = profile.queue_s, profile.generate_s
    return (
        profile,
        base_queue if queue is None else queue,
        base_generate if generate is None else generate,
    )


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat()


_FLOOD_LINES_PER_S = 40_000


def _flood(seconds: float) -> list[dict[str, Any]]:
    """Log lines that keep coming: ~40k lines (~5 MB) per second of generation."""
    count = int(max(0.0, seconds) * _FLOOD_LINES_PER_S)
    line = "step progress " + "#" * 80
    return [
        {"message": f"{line} {i}", "level": "INFO", "source": "user", "timestamp": ""}
        for i in range(count)
    ]


@dataclass
class StatusView:
    """What a status poll reports at one moment."""

    state: State
    position: int
    logs: list[dict[str, Any]]
    error: str | None = None
    error_type: str | None = None


@dataclass
class Job:
    """One queued request and everything the stand-in knows about it."""

    request_id: str
    endpoint: str
    app_path: str  # "[namespace/]owner/alias": the prefix of its request URLs
    arguments: dict[str, Any]
    kind: Literal["video", "llm"]
    queue_s: float
    generate_s: float
    initial_position: int
    profile: LatencyProfile
    failure: FaultSpec | None = None
    tag_faults: list[FaultSpec] = field(default_factory=list)
    created: float = field(default_factory=time.monotonic)
    created_wall: float = field(default_factory=time.time)
    work_done: threading.Event = field(default_factory=threading.Event)
    output: dict[str, Any] | None = None
    work_error: str | None = None
    cancelled_at: float | None = None
    completed_early_at: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def ends_at(self) -> float:
        return self.created + self.queue_s + self.generate_s

    def take_tag_fault(self, phase: str, *, consume: bool = True) -> FaultSpec | None:
        """A fault tagged in this job's prompt for `phase`; transient ones fire once."""
        with self._lock:
            for spec in list(self.tag_faults):
                if spec.phase != phase:
                    continue
                if spec.transient and consume:
                    self.tag_faults.remove(spec)
                return spec
        return None

    def _state(self, now: float) -> State:
        if self.cancelled_at is not None or self.completed_early_at is not None:
            return "COMPLETED"
        elapsed = now - self.created
        if elapsed < self.queue_s:
            return "IN_QUEUE"
        if now < self.ends_at or not self.work_done.is_set():
            return "IN_PROGRESS"
        return "COMPLETED"

    def position(self, now: float) -> int:
        if self.queue_s <= 0:
            return 0
        remaining = max(0.0, self.queue_s - (now - self.created)) / self.queue_s
        return max(0, min(self.initial_position - 1, int(self.initial_position * remaining)))

    def _logs(self, now: float, state: State) -> list[dict[str, Any]]:
        start_wall = self.created_wall + self.queue_s
        cutoff = now
        if self.cancelled_at is not None:
            cutoff = self.cancelled_at
        elif state == "COMPLETED":
            cutoff = math.inf
        logs = []
        for fraction, level, message in _LOG_PLAN:
            offset = self.queue_s + fraction * self.generate_s
            if self.created + offset <= cutoff:
                logs.append(
                    {
                        "message": message.format(endpoint=self.endpoint),
                        "level": level,
                        "source": "user",
                        "timestamp": iso(start_wall + fraction * self.generate_s),
                    }
                )
        if self.failure is not None and self.failure.name == "logs-flood" and state != "IN_QUEUE":
            logs.extend(_flood(min(cutoff, now) - self.created - self.queue_s))
        return logs

    def status(self, now: float, error: tuple[str, str | None] | None) -> StatusView:
        """The view at `now`; `error` is how the job failed, if it did."""
        state = self._state(now)
        position = self.position(now) if state == "IN_QUEUE" else 0
        view = StatusView(state, position, self._logs(now, state))
        if state == "COMPLETED" and error is not None:
            view.error, view.error_type = error
            view.logs.append(
                {
                    "message": error[0],
                    "level": "ERROR",
                    "source": "user",
                    "timestamp": iso(time.time()),
                }
            )
        return view

    def is_completed(self, now: float) -> bool:
        return self._state(now) == "COMPLETED"


class JobStore:
    """All jobs by request id. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def add(self, job: Job) -> None:
        with self._lock:
            self._jobs[job.request_id] = job

    def get(self, request_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(request_id)

    def all(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def cancel(self, request_id: str, now: float) -> Literal["requested", "completed", "missing"]:
        """Cancel a queued or running job; the answer says which case it was."""
        with self._lock:
            job = self._jobs.get(request_id)
            if job is None:
                return "missing"
            if job.is_completed(now):
                return "completed"
            job.cancelled_at = now
            return "requested"
