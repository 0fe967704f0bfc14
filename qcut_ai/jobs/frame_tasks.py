"""Worker functions that take frames out of library clips for the derive actions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.lineage import frame_path, record_frame_source
from qcut_ai.services.last_frame import extract_last_frame

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
        frame = frame_path(folder, Path(item.path), item.id)
        extract_last_frame(Path(item.path), frame)
        record_frame_source(frame, item.id)
        return str(frame)

    return work
