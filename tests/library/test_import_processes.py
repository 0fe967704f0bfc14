"""A file that kills the worker describing it costs one sentence; the rest of the folder lands."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.bulk_import import import_many
from qcut_ai.library.describe_pool import Outcome, describe_file


def describe_or_crash(path: Path, thumbnail_dir: Path) -> Outcome | None:
    """The real describing, except that a file named crash* kills the worker (a decoder crash)."""
    if path.name.startswith("crash"):
        os._exit(70)
    return describe_file(path, thumbnail_dir)


def test_a_file_that_crashes_its_worker_gets_one_sentence_and_the_others_land(
    media: dict[str, Path], tmp_path: Path
) -> None:
    project = ProjectPaths.at(tmp_path / "Project").ensure()
    folder = tmp_path / "shoot"
    folder.mkdir()
    names = [f"take_{i}.mp4" for i in range(6)]
    names.insert(3, "crash.mp4")
    files = [Path(shutil.copy(media["h264"], folder / name)) for name in names]
    seen: list[tuple[int, int]] = []

    items, errors = import_many(
        project,
        tmp_path / "thumbs",
        files,
        lambda: False,
        lambda done, total: seen.append((done, total)),
        describe=describe_or_crash,
    )

    assert sorted(Path(i.path).name for i in items) == sorted(n for n in names if n != "crash.mp4")
    assert len(errors) == 1 and errors[0].startswith("crash.mp4 ")
    assert seen[-1] == (7, 7)
