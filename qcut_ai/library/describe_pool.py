"""Describing files for an import (probe, hash, poster) in worker processes.

Processes, not threads: the describing is mostly PyAV, Pillow and hashlib, but
enough of it holds the GIL that two describing threads made the GUI thread of
the same process wait (a 26 ms p99 gap between its frames during a 500-file
import). The workers return plain values (`PreparedImport` or one sentence);
the rows are written by the caller, in this process.

The processes are spawned, never forked: the parent runs Qt and other threads,
and a forked child would inherit their locks in whatever state they were.
They live for one import: shut down when it finishes, fails or is cancelled.
A worker that dies on a file (a decoder crash) takes the pool with it and the
files in hand with it: the first of them is tried again alone, and reported
when it breaks that pool too; the rest go to a fresh pool, so one bad file
costs one sentence.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from qcut_ai.core.errors import QcutError
from qcut_ai.library.ingest import PreparedImport, prepare_import

Outcome = PreparedImport | str  # a described file, or the sentence saying why not
Describe = Callable[[Path, Path], Outcome | None]
Abort = Callable[[], bool]

# How often a wait for the next file looks at `abort`: Cancel is felt this soon.
ABORT_POLL_SECONDS = 0.05
# The workers run this much below the app's priority: on two cores, two busy
# workers otherwise take the GUI thread's turns and its frames come late.
# They still use every cycle the app leaves idle.
WORKER_NICENESS = 10

_stop: Any = None  # in a worker: the pool's stop event (set when the import is cancelled)


def describe_file(path: Path, thumbnail_dir: Path) -> Outcome | None:
    """Describe one file (in a worker process); None when the import was cancelled first."""
    if _stop is not None and _stop.is_set():
        return None
    try:
        return prepare_import(path, thumbnail_dir)
    except QcutError as exc:
        return exc.message  # one sentence per file; the rest go on


def describe_all(
    paths: Sequence[Path],
    thumbnail_dir: Path,
    abort: Abort,
    *,
    workers: int,
    describe: Describe = describe_file,
) -> Generator[tuple[Path, Outcome], None, None]:
    """(path, outcome) for each of `paths` in order, described `workers` at a time.

    Stops as soon as `abort()` turns true (within ABORT_POLL_SECONDS, not at
    the end of a file): files not started are skipped and the pool is shut
    down without waiting for the files in hand. Close the iterator (or run it
    to its end) to shut the pool down.
    """
    start, alone = 0, False  # the next file to describe; whether it goes alone
    while start < len(paths) and not abort():
        # After a pool broke, the file it broke on goes first, alone in a pool of
        # one: a file is blamed only for a pool it broke by itself.
        batch = paths[start : start + 1] if alone else paths[start:]
        pool, drained = _Pool(1 if alone else workers), False
        try:
            futures = [pool.submit(describe, path, thumbnail_dir) for path in batch]
            for future in futures:
                outcome = _wait(future, abort)
                if outcome is None:  # cancelled
                    return
                yield paths[start], outcome
                start, alone = start + 1, False
            drained = True
        except BrokenProcessPool:
            if alone:
                yield paths[start], _crashed(paths[start])
                start += 1
            alone = not alone
        finally:
            pool.close(finished=drained)


def _wait(future: Future[Outcome | None], abort: Abort) -> Outcome | None:
    while True:
        if abort():
            return None
        try:
            return future.result(timeout=ABORT_POLL_SECONDS)
        except FutureTimeout:
            continue


def _crashed(path: Path) -> str:
    return f"{path.name} could not be read: the reader stopped on it (the file may be damaged)."


def _start_worker(stop: Any) -> None:
    global _stop
    _stop = stop
    if hasattr(os, "nice"):  # not on Windows
        os.nice(WORKER_NICENESS)


class _Pool:
    """A spawned ProcessPoolExecutor with a stop event its workers look at."""

    def __init__(self, workers: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._stop = context.Event()
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self._stop,),
        )

    def submit(self, describe: Describe, path: Path, thumbnail_dir: Path) -> Future[Any]:
        return self._executor.submit(describe, path, thumbnail_dir)

    def close(self, *, finished: bool) -> None:
        """Shut the workers down: at once when stopped early, the files in hand dropped
        (the workers exit after their current file); after the last file otherwise."""
        if finished:
            self._executor.shutdown(wait=True)
            return
        self._stop.set()
        self._executor.shutdown(wait=False, cancel_futures=True)
