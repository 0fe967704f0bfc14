"""Worker functions that take frames out of library clips for the derive actions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.project import ProjectPaths

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem

# The library, ffmpeg and frame helpers are imported inside each task, in the
# media worker: the panel builds these tasks on the GUI thread, and importing
# the repository (sqlite-utils) at panel import would slow the first paint.

FRAMES_DIR_NAME = "frames"


def continue_frame_task(
    item: MediaItem, project: ProjectPaths | None
) -> Callable[[object, object], str]:
    """A task (for the media runner) giving the exact last frame of `item` as a file.

    The frame is kept in the project (or the app cache without one) and records
    which item it came from, so the clip made from it is linked to its source.
    """
    folder = (project.root if project else app_dirs().cache) / FRAMES_DIR_NAME

    def work(_abort: object, _progress: object) -> str:
        from qcut_ai.library.lineage import frame_path, record_frame_source
        from qcut_ai.services.last_frame import extract_last_frame

        frame = frame_path(folder, Path(item.path), item.id)
        extract_last_frame(Path(item.path), frame)
        record_frame_source(frame, item.id)
        return str(frame)

    return work


def frame_at_task(
    item: MediaItem, project: ProjectPaths | None, seconds: float
) -> Callable[[object, object], str]:
    """A task giving the exact frame of `item` at `seconds` (the playhead) as a file."""
    folder = (project.root if project else app_dirs().cache) / FRAMES_DIR_NAME

    def work(_abort: object, _progress: object) -> str:
        from qcut_ai.library.lineage import record_frame_source
        from qcut_ai.services.last_frame import extract_frame_at

        stamp = f"{round(seconds * 1000):08d}ms"
        frame = folder / f"{Path(item.path).stem}-{item.id}-at-{stamp}.png"
        extract_frame_at(Path(item.path), frame, seconds)
        record_frame_source(frame, item.id)
        return str(frame)

    return work


def cut_task(
    item: MediaItem, project: ProjectPaths | None, start_s: float, end_s: float
) -> Callable[[object, object], str]:
    """A task giving `item` from In to Out as its own clip, linked to `item`."""
    folder = (project.root if project else app_dirs().cache) / FRAMES_DIR_NAME

    def work(_abort: object, _progress: object) -> str:
        from qcut_ai.library.lineage import record_frame_source
        from qcut_ai.services.clip_cut import cut_clip

        span = f"{round(start_s * 1000):08d}-{round(end_s * 1000):08d}ms"
        out = folder / f"{Path(item.path).stem}-{item.id}-{span}.mp4"
        cut_clip(Path(item.path), out, start_s, end_s)
        record_frame_source(out, item.id)
        return str(out)

    return work
