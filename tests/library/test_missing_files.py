"""The file check reads and writes a large library in slices, and stops when asked."""

from __future__ import annotations

from pathlib import Path

from qcut_ai.core.media import MediaKind, ProbeInfo
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.media_rows import NewMedia
from qcut_ai.library.missing_files import check_missing
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository


def _repo(tmp_path: Path, count: int) -> tuple[MediaRepository, list[Path]]:
    project = ProjectPaths.at(tmp_path / "P").ensure()
    db = open_project_db(project)
    paths = []
    for n in range(count):
        path = project.media / f"clip {n:02d}.mp4"
        path.write_bytes(b"")
        paths.append(path)
    repo = MediaRepository(db, project.root)
    repo.add_many([NewMedia(path=p, probe=ProbeInfo(kind=MediaKind.VIDEO)) for p in paths])
    return repo, paths


def _flagged(repo: MediaRepository) -> list[str]:
    return sorted(i.display_name for i in repo.missing_items())


def test_every_slice_is_checked_and_files_that_return_are_unflagged(tmp_path: Path) -> None:
    repo, paths = _repo(tmp_path, 10)
    try:
        for n in (0, 4, 5, 9):  # across three slices of four
            paths[n].unlink()
        assert check_missing(repo, slice_size=4) == 4
        assert _flagged(repo) == ["clip 00", "clip 04", "clip 05", "clip 09"]

        paths[4].write_bytes(b"")  # back from the external drive
        assert check_missing(repo, slice_size=4) == 3
        assert _flagged(repo) == ["clip 00", "clip 05", "clip 09"]
    finally:
        repo.db.close()


def test_a_stopped_check_keeps_what_it_flagged_and_goes_no_further(tmp_path: Path) -> None:
    repo, paths = _repo(tmp_path, 10)
    try:
        for path in paths:
            path.unlink()
        asked = []

        def abort() -> bool:
            asked.append(True)
            return len(asked) > 1  # stop after the first slice

        assert check_missing(repo, abort, slice_size=4) == 4
        assert _flagged(repo) == ["clip 00", "clip 01", "clip 02", "clip 03"]
    finally:
        repo.db.close()
