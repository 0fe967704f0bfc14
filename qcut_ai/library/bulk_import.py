"""Importing many files at once: described in two worker processes, written in batches.

A folder of clips is mostly file work (probe, hash, poster), which two worker
processes do side by side within the machine's cores (`describe_pool`: no GIL
shared with the GUI thread); the rows then go in a few transactions, from
this process, instead of one per file. Filmstrips (ten exact frames per
video, the slowest part) are left to `make_filmstrips`, after the rows, so the
clips are listed as soon as their posters exist. Plain functions for worker
threads; every thread here opens its own database connection.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from pathlib import Path

from qcut_ai.core.errors import QcutError
from qcut_ai.core.media import MediaItem, MediaKind
from qcut_ai.library.describe_pool import Describe, Outcome, describe_all, describe_file
from qcut_ai.library.ingest import Library, PreparedImport
from qcut_ai.library.layout import ProjectLayout

# Two processes describe files at once: the machines this runs on have two cores
# or more, and the GUI thread and the database worker need little.
IMPORT_WORKERS = 2
# Up to this many new files are described here, one after the other: starting
# the worker processes (~0.5 s) would cost a dropped clip or two more than it saves.
INLINE_FILES = 2
# Rows are written when this many are ready or this long after the last write,
# so a slow folder still shows its first clips soon.
BATCH_ROWS = 50
BATCH_SECONDS = 1.0
# Progress is reported at most this often (and at the end): one signal per file
# of a 500-file folder would be GUI work for nothing.
PROGRESS_SECONDS = 0.1

Abort = Callable[[], bool]
Progress = Callable[[int, int], None]


def import_many(
    project: ProjectLayout,
    thumbnail_dir: Path,
    files: Sequence[Path],
    abort: Abort,
    progress: Progress,
    *,
    workers: int = IMPORT_WORKERS,
    describe: Describe = describe_file,
) -> tuple[list[MediaItem], list[str]]:
    """Import `files` in place; (items now in the library, one sentence per failed file).

    Stops soon after `abort()` turns true: files not started are not
    described, and the rows of those already described are still written.
    `describe` describes one file in a worker (a module-level function).
    """
    items: list[MediaItem] = []
    errors: list[str] = []
    total = len(files)
    report = _Throttled(progress, total)
    with Library(project, thumbnail_dir) as library:
        todo: list[Path] = []
        for path in files:  # files already listed cost a lookup, not a hash
            resolved = path.expanduser().resolve()
            known = library.repo.get_by_path(resolved)
            if known is not None:
                items.append(known)
            else:
                todo.append(resolved)
        done = len(items)
        report(done)
        ready: list[PreparedImport] = []
        written = time.monotonic()
        with closing(_outcomes(todo, thumbnail_dir, abort, workers, describe)) as outcomes:
            for _path, outcome in outcomes:
                if isinstance(outcome, str):
                    errors.append(outcome)
                else:
                    ready.append(outcome)
                done += 1
                now = time.monotonic()
                if len(ready) >= BATCH_ROWS or (ready and now - written >= BATCH_SECONDS):
                    items += library.add_prepared(ready)
                    ready, written = [], now
                report(done)
        if ready:
            items += library.add_prepared(ready)
    report(done, final=True)
    return items, errors


def make_filmstrips(
    project: ProjectLayout,
    thumbnail_dir: Path,
    items: Sequence[MediaItem],
    abort: Abort,
) -> list[MediaItem]:
    """The filmstrips of imported videos that have none; the items that changed."""
    changed: list[MediaItem] = []
    with Library(project, thumbnail_dir) as library:
        for item in items:
            if abort():
                break
            if item.kind is not MediaKind.VIDEO or item.filmstrip or item.missing:
                continue
            try:
                updated = library.refresh_thumbnails(item)
            except QcutError:
                continue  # the file went away meanwhile: its badge says so
            if updated.filmstrip != item.filmstrip:
                changed.append(updated)
    return changed


def _outcomes(
    todo: Sequence[Path], thumbnail_dir: Path, abort: Abort, workers: int, describe: Describe
) -> Generator[tuple[Path, Outcome], None, None]:
    if len(todo) > INLINE_FILES:
        yield from describe_all(todo, thumbnail_dir, abort, workers=workers, describe=describe)
        return
    for path in todo:
        outcome = None if abort() else describe(path, thumbnail_dir)
        if outcome is None:  # asked to stop before it started
            return
        yield path, outcome


class _Throttled:
    """Calls `progress(done, total)` at most every PROGRESS_SECONDS, and always at the end."""

    def __init__(self, progress: Progress, total: int) -> None:
        self._progress, self._total = progress, total
        self._last = 0.0

    def __call__(self, done: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if final or done == self._total or now - self._last >= PROGRESS_SECONDS:
            self._last = now
            self._progress(done, self._total)
