"""What a job reports while it moves (the CLI prints it, the GUI re-emits it), and the
flag that asks it to stop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qcut_ai.core.job_state import JobState

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem


@dataclass(frozen=True)
class JobEvent:
    """One change of one job. Fields that did not change are None / empty."""

    job_id: str
    state: JobState
    model_name: str = ""
    request_id: str | None = None
    queue_position: int | None = None
    logs: list[str] = field(default_factory=list)
    bytes_done: int | None = None
    bytes_total: int | None = None
    error: str | None = None
    media: MediaItem | None = None
    # For elapsed / ETA: when fal accepted the job, and how long this model
    # usually takes here (median of past runs, else the catalogue's figure).
    submitted_at: str | None = None
    expected_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # True when `media` is a newer state of an item already reported (its
    # filmstrip and hash were made after it entered the library).
    refreshed: bool = False


EventSink = Callable[[JobEvent], None]


def ignore_event(_event: JobEvent) -> None:
    """An EventSink that drops everything (quiet CLI runs)."""


class AbortFlag:
    """Set from any thread to ask a running job to stop at its next check.

    A user's cancel also cancels the job at fal; a shutdown only stops
    waiting, leaving the job in the journal for `resume`.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self.shutdown = False

    def set(self, *, shutdown: bool = False) -> None:
        # The first reason wins: a cancel after a detach must not turn the
        # detach into a cancel at fal (or the other way round).
        if not self._event.is_set():
            self.shutdown = shutdown
        self._event.set()

    def __call__(self) -> bool:
        return self._event.is_set()


class AnyOf:
    """Asks to stop when either flag does (e.g. a service's own, or its runner's at shutdown)."""

    def __init__(self, first: AbortFlag, second: AbortFlag) -> None:
        self._first, self._second = first, second

    def __call__(self) -> bool:
        return self._first() or self._second()

    @property
    def shutdown(self) -> bool:
        return self._first.shutdown or self._second.shutdown
