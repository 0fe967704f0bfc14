"""Derive actions from where the editor stands: the exact frame at the playhead, and a
clip cut at its In and Out marks, both linked to the clip they came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from qcut_ai.core.catalog import Category
from qcut_ai.core.derive import plan_derive
from qcut_ai.core.errors import MediaError
from qcut_ai.core.media import MediaItem, MediaKind, Origin, ProbeInfo
from qcut_ai.core.project import ProjectPaths
from qcut_ai.jobs.frame_tasks import cut_task, frame_at_task
from qcut_ai.library.lineage import frame_source
from qcut_ai.library.probe import probe
from qcut_ai.services.clip_cut import cut_clip
from qcut_ai.services.ffmpeg_tools import run_ffmpeg

SOURCE = "testsrc2=size=160x90:rate=25:duration=4"


def _frame(n: int, out: Path) -> Image.Image:
    run_ffmpeg(
        ["-f", "lavfi", "-i", SOURCE, "-vf", f"select=eq(n\\,{n})", "-frames:v", "1", str(out)]
    )
    return Image.open(out).convert("RGB")


@pytest.fixture
def clip(tmp_path: Path) -> tuple[ProjectPaths, MediaItem]:
    project = ProjectPaths.at(tmp_path / "P").ensure()
    path = project.media / "moving.mp4"
    # Lossless, one keyframe each second: a plain seek lands up to 24 frames early.
    run_ffmpeg(
        ["-f", "lavfi", "-i", SOURCE, "-c:v", "libx264rgb", "-qp", "0", "-g", "25", str(path)]
    )
    item = MediaItem(
        id=7,
        name=path.name,
        path=str(path),
        kind=MediaKind.VIDEO,
        origin=Origin.IMPORTED,
        created_at="2026-12-01T10:00:00+00:00",
        probe=ProbeInfo(kind=MediaKind.VIDEO, duration=4.0, width=160, height=90, fps=25.0),
    )
    return project, item


def test_the_frame_at_the_playhead_is_exactly_that_frame(
    clip: tuple[ProjectPaths, MediaItem], tmp_path: Path
) -> None:
    project, item = clip
    at = 2.0 + 17 / 25  # frame 67: 17 frames after the keyframe at 2 s
    frame = Path(frame_at_task(item, project, at)(None, None))
    got = Image.open(frame).convert("RGB")
    assert ImageChops.difference(got, _frame(67, tmp_path / "f67.png")).getbbox() is None
    assert ImageChops.difference(got, _frame(50, tmp_path / "f50.png")).getbbox() is not None
    # Half-way through a frame's span it is still that frame.
    halfway = Path(frame_at_task(item, project, at + 0.5 / 25)(None, None))
    got = Image.open(halfway).convert("RGB")
    assert ImageChops.difference(got, _frame(67, tmp_path / "again.png")).getbbox() is None
    assert frame_source(frame) == item.id
    plan = plan_derive("continue", item, str(frame))
    assert plan.category is Category.IMAGE_TO_VIDEO and plan.inputs == {"image": str(frame)}


def test_a_marked_range_is_cut_at_its_frames_and_extends_from_out(
    clip: tuple[ProjectPaths, MediaItem], tmp_path: Path
) -> None:
    project, item = clip
    cut = Path(cut_task(item, project, 1.2, 3.0)(None, None))
    info = probe(cut)
    assert info.duration is not None and abs(info.duration - 1.8) <= 1 / 25
    assert frame_source(cut) == item.id  # the extension names the clip, not the cut
    plan = plan_derive("extend", item, str(cut))
    assert plan.category is Category.EXTEND and plan.inputs == {"video": str(cut)}
    assert plan_derive("extend", item).inputs == {"video": item.path}  # unmarked: all of it


def test_an_empty_range_is_refused_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"marked range of 'x\.mp4' is empty"):
        cut_clip(tmp_path / "x.mp4", tmp_path / "out.mp4", 2.0, 2.0)
