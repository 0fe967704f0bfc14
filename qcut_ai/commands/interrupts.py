"""Ctrl+C while jobs run: the first press detaches, a second within 3 s cancels at fal.

Paid jobs must never vanish because someone pressed Ctrl+C. The first press
stops waiting: jobs fal already holds keep running there and stay in the
journal for `qcut-ai resume`; jobs not yet sent are cancelled (nothing was
paid). One line says so, with the commands to finish or cancel them. A second
press within `CANCEL_WINDOW_S` cancels the kept jobs at fal and says so. The
wording is the same every time.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

from qcut_ai.commands.common import eprint

if TYPE_CHECKING:
    from qcut_ai.core.job_state import JobRecord
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.engine.batch import BatchRunner
    from qcut_ai.engine.connection import FalConnection

CANCEL_WINDOW_S = 3.0


class Interrupts:
    """Counts Ctrl+C presses during a run; `detach` is called on the first."""

    def __init__(self, detach: Callable[[], None]) -> None:
        self._detach = detach
        self.first: float | None = None
        self.cancel = threading.Event()

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if self.first is None:
            self.first = now
            self._detach()
        elif now - self.first <= CANCEL_WINDOW_S:
            self.cancel.set()

    @property
    def pressed(self) -> bool:
        return self.first is not None

    def wait_for_second(self) -> bool:
        """Up to the rest of the window after the first press: was Ctrl+C pressed again?"""
        if self.first is None:
            return False
        left = self.first + CANCEL_WINDOW_S - time.monotonic()
        return self.cancel.wait(max(0.0, left))


@contextmanager
def interrupts(detach: Callable[[], None]) -> Iterator[Interrupts]:
    """Handle SIGINT with an `Interrupts` for the block."""
    handler = Interrupts(detach)
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield handler
    finally:
        signal.signal(signal.SIGINT, previous)


def detached_text(project: ProjectPaths, kept: Sequence[JobRecord]) -> str:
    """The one line printed after the first Ctrl+C."""
    if not kept:
        return "qcut-ai: stopped; no job had reached fal, so nothing was paid."
    ids = ", ".join(j.id for j in kept)
    one = len(kept) == 1
    return (
        f"qcut-ai: stopped waiting; {len(kept)} {'job keeps' if one else 'jobs keep'} running "
        f"at fal and {'stays' if one else 'stay'} in the journal ({ids}). "
        f'Finish with: qcut-ai resume --project "{project.root}"; '
        "cancel one with: qcut-ai jobs cancel ID. Press Ctrl+C again within "
        f"{CANCEL_WINDOW_S:.0f} s to cancel at fal now."
    )


def cancelled_text(cancelled: int, failed: Sequence[str]) -> str:
    text = f"qcut-ai: cancelled {cancelled} job{'s' if cancelled != 1 else ''} at fal."
    if failed:
        text += " Not cancelled: " + "; ".join(failed)
    return text


def report(
    project: ProjectPaths,
    handler: Interrupts,
    kept: Sequence[JobRecord],
    cancel: Callable[[JobRecord], str | None],
) -> None:
    """After a detached run: say what was kept; cancel it on a second Ctrl+C.

    `cancel(job)` cancels one job at fal and returns None, or a sentence why not.
    """
    eprint(detached_text(project, kept))
    if kept and (handler.cancel.is_set() or handler.wait_for_second()):
        failed = [f"{job.id}: {why}" for job in kept if (why := cancel(job)) is not None]
        eprint(cancelled_text(len(kept) - len(failed), failed))


def cancel_at_fal(project: ProjectPaths, conn: FalConnection) -> Callable[[JobRecord], str | None]:
    """A canceller for `report`: None when fal cancelled the job, else why not."""
    from qcut_ai.core.errors import QcutError
    from qcut_ai.engine.cancel import cancel_job

    def cancel(job: JobRecord) -> str | None:
        try:
            cancel_job(project, job.id, conn.gateway, conn.backend)
        except QcutError as exc:
            return exc.message
        return None

    return cancel


def run_detachable(
    batch: BatchRunner,
    job_ids: Sequence[str],
    project: ProjectPaths,
    cancel: Callable[[JobRecord], str | None],
) -> tuple[list[JobRecord], bool]:
    """Run the batch with Ctrl+C handled as described above; (final records, detached)."""
    with interrupts(batch.detach_all) as presses:
        try:
            finals = batch.run(list(job_ids))
        finally:
            batch.shutdown()
        if presses.pressed:
            kept = [job for job in finals if not job.state.terminal]
            report(project, presses, kept, cancel)
    return finals, presses.pressed
