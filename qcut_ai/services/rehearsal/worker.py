"""The work behind stand-in jobs: wait out the queue phase, then render the result.

Each job gets a timer for its queue phase; the render (or the enhancer's
rewrite) then runs on a small thread pool during the generating phase, so
status polls are never blocked by ffmpeg.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from qcut_ai.services.rehearsal import derived, outcomes
from qcut_ai.services.rehearsal.arguments import scaled_size, video_ask
from qcut_ai.services.rehearsal.faults import ANSWER_FAULTS
from qcut_ai.services.rehearsal.renderer import Renderer, RenderSpec
from qcut_ai.services.rehearsal.state import Job
from qcut_ai.services.rehearsal.storage import FileStore

log = logging.getLogger(__name__)

_CONTROL_TAGS = re.compile(r"\s*\[(?:fault|profile|queue|generate):[^\]]*\]")
RenderCap = int | Literal["profile"] | None


class StandInWorker:
    """Schedules and performs the work of jobs. Thread-safe."""

    def __init__(
        self,
        renderer: Renderer,
        files: FileStore,
        base_url: Callable[[], str],
        render_limits: Callable[[], tuple[RenderCap, float | Literal["profile"] | None]],
    ) -> None:
        self._renderer = renderer
        self._derived = derived.DerivedRenderer(renderer.directory)
        self._files = files
        self._base_url = base_url
        self._render_limits = render_limits
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="standin-work")
        self._lock = threading.Lock()
        self._timers: dict[str, threading.Timer] = {}
        self._started: set[str] = set()
        self._stopping = False

    def schedule(self, job: Job) -> None:
        timer = threading.Timer(max(0.0, job.queue_s), self._start, args=(job,))
        timer.daemon = True
        with self._lock:
            self._timers[job.request_id] = timer
        timer.start()

    def complete_now(self, job: Job) -> None:
        """Do the job's work on this thread (or wait for it) and end the job now."""
        self._work(job)
        job.work_done.wait(timeout=300)
        if not job.is_completed(time.monotonic()):
            job.completed_early_at = time.monotonic()

    def shutdown(self) -> None:
        with self._lock:
            self._stopping = True
            timers = list(self._timers.values())
            self._timers.clear()
        for timer in timers:
            timer.cancel()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _start(self, job: Job) -> None:
        with self._lock:
            self._timers.pop(job.request_id, None)
            if self._stopping or job.cancelled_at is not None:
                return
        try:
            self._executor.submit(self._work, job)
        except RuntimeError:  # the executor shut down while the timer fired
            return

    def _work(self, job: Job) -> None:
        with self._lock:
            if job.request_id in self._started:
                return
            self._started.add(job.request_id)
        try:
            if job.failure is not None and job.failure.name not in ANSWER_FAULTS:
                return
            if job.kind == "llm":
                job.output = outcomes.llm_output(job.arguments)
                return
            stored = self._files.publish(
                self._render(job),
                "output.mp4",
                "video/mp4",
                request_id=job.request_id,
                endpoint=job.endpoint,
            )
            job.output = outcomes.video_output(job, stored, self._base_url())
        except Exception as exc:  # boundary: a failed render is a failed job, not a dead server
            log.warning("Stand-in: job %s failed: %s", job.request_id, exc)
            job.work_error = f"The stand-in could not render the video: {exc}"
        finally:
            job.work_done.set()

    def _render(self, job: Job) -> Path:
        ask = video_ask(job.arguments)
        max_short, max_duration = self._render_limits()
        cap = job.profile.max_short_side if max_short == "profile" else max_short
        limit = job.profile.max_duration if max_duration == "profile" else max_duration
        width, height = scaled_size(ask.width, ask.height, cap)
        duration = ask.duration if limit is None else min(ask.duration, limit)
        caption = _CONTROL_TAGS.sub("", str(job.arguments.get("prompt", ""))).strip()
        made_from = derived.plan(
            job.endpoint,
            job.arguments,
            self._local_file,
            size=(width, height),
            duration=duration,
            title=job.endpoint,
            caption=caption,
            max_short_side=cap,
        )
        if made_from is not None:
            return self._derived.render(made_from)
        return self._renderer.render(
            RenderSpec(width, height, duration, ask.audio, job.endpoint, caption)
        )

    def _local_file(self, url: str) -> Path | None:
        """The stand-in's own copy of a media input (an upload or an earlier result)."""
        parts = urlsplit(url)
        if parts.netloc != urlsplit(self._base_url()).netloc:
            return None
        stored = self._files.lookup(parts.path)
        return stored.path if stored is not None and stored.path.is_file() else None
