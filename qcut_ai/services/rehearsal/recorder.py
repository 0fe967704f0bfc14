"""What the stand-in saw, kept for tests: submissions, cancels, status polls."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class SubmissionRecord:
    """One accepted submit (or sync run): recorded before any answer is sent."""

    endpoint: str
    arguments: dict[str, Any]
    headers: dict[str, str]
    request_id: str
    time: float
    query: dict[str, str]
    kind: Literal["queue", "run"] = "queue"


@dataclass(frozen=True)
class CancelRecord:
    """One cancel PUT and the status code it got."""

    request_id: str
    status_code: int
    time: float


class Recorder:
    """Thread-safe lists of what happened; readers get copies."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._submissions: list[SubmissionRecord] = []
        self._cancels: list[CancelRecord] = []
        self._polls: Counter[str] = Counter()

    def add_submission(self, record: SubmissionRecord) -> None:
        with self._lock:
            self._submissions.append(record)

    def add_cancel(self, record: CancelRecord) -> None:
        with self._lock:
            self._cancels.append(record)

    def count_poll(self, request_id: str) -> None:
        with self._lock:
            self._polls[request_id] += 1

    @property
    def submissions(self) -> list[SubmissionRecord]:
        with self._lock:
            return list(self._submissions)

    @property
    def cancels(self) -> list[CancelRecord]:
        with self._lock:
            return list(self._cancels)

    @property
    def status_polls(self) -> dict[str, int]:
        with self._lock:
            return dict(self._polls)
