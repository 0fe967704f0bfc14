"""Continue from last frame: the frame handed to the image-to-video tab is the clip's
exact last frame, not the nearest keyframe."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageChops

from qcut_ai.core.catalog import Category
from qcut_ai.core.derive import plan_derive
from qcut_ai.core.media import MediaItem, MediaKind, Origin, ProbeInfo
from qcut_ai.core.project import ProjectPaths
from qcut_ai.jobs.frame_tasks import continue_frame_task
from qcut_ai.library.lineage import frame_source
from qcut_ai.services.ffmpeg_tools import run_ffmpeg

SOURCE = "testsrc2=size=160x90:rate=25:duration=2"
LAST = 49  # 2 s at 25 fps


def _frame(n: int, out: Path) -> Image.Image:
    run_ffmpeg(
        ["-f", "lavfi", "-i", SOURCE, "-vf", f"select=eq(n\\,{n})", "-frames:v", "1", str(out)]
    )
    return Image.open(out).convert("RGB")


def test_the_continue_frame_is_the_exact_last_frame_not_the_last_keyframe(tmp_path: Path) -> None:
    project = ProjectPaths.at(tmp_path / "P").ensure()
    clip = project.media / "moving.mp4"
    # Lossless RGB with a single keyframe at the start: the last frame is 49
    # frames after the last keyframe, and every pixel of it is known.
    run_ffmpeg(
        ["-f", "lavfi", "-i", SOURCE, "-c:v", "libx264rgb", "-qp", "0", "-g", "1000", str(clip)]
    )
    item = MediaItem(
        id=12,
        name=clip.name,
        path=str(clip),
        kind=MediaKind.VIDEO,
        origin=Origin.IMPORTED,
        created_at="2026-12-01T10:00:00+00:00",
        probe=ProbeInfo(kind=MediaKind.VIDEO, duration=2.0, width=160, height=90),
    )

    import av

    with av.open(str(clip)) as container:
        keyframes = [p.pts for p in container.demux(video=0) if p.is_keyframe]
    assert keyframes == [0]  # a seek to the end would land on frame 0

    frame = Path(continue_frame_task(item, project)(None, None))

    got = Image.open(frame).convert("RGB")
    last, keyframe = _frame(LAST, tmp_path / "last.png"), _frame(0, tmp_path / "key.png")
    assert ImageChops.difference(got, last).getbbox() is None  # identical pixels
    assert ImageChops.difference(got, keyframe).getbbox() is not None
    assert frame_source(frame) == item.id  # a clip made from it names its source
    plan = plan_derive("continue", item, str(frame))
    assert plan.category is Category.IMAGE_TO_VIDEO and plan.inputs == {"image": str(frame)}


def test_a_file_that_is_not_a_clip_gives_one_sentence(tmp_path: Path) -> None:
    import pytest

    from qcut_ai.core.errors import MediaError

    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all")
    item = MediaItem(
        id=3,
        name=broken.name,
        path=str(broken),
        kind=MediaKind.VIDEO,
        origin=Origin.IMPORTED,
        created_at="2026-12-01T10:00:00+00:00",
        probe=ProbeInfo(kind=MediaKind.VIDEO),
    )
    with pytest.raises(MediaError) as caught:
        continue_frame_task(item, None)(None, None)
    assert caught.value.user_text() == (
        "'broken.mp4' could not be decoded, so it has no last frame to continue from."
    )
