""".otio → Timeline → .otio gives the same timeline; moved files are found by their content."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.timeline import InOut, Timeline, TimelineClip, TrackKind
from qcut_ai.interchange import (
    ByIds,
    ExportFormat,
    export_selection,
    export_timeline,
    import_timeline,
    timeline_to_otio,
)
from qcut_ai.library.repository import MediaRepository


def _demo_timeline(clips: list[MediaItem], ntsc: MediaItem) -> Timeline:
    """Two video tracks with a gap, and a 29.97 clip on a 24 fps timeline, as a user builds it."""
    rate = Fraction(24)
    first, second, third = clips
    timeline = Timeline.empty("Demo", rate, video=2, audio=1)
    timeline = timeline.with_clip(0, TimelineClip.from_item(first, rate=rate))
    timeline = timeline.with_clip(0, TimelineClip.from_item(ntsc, rate=rate))
    later = TimelineClip.from_item(second, mark=InOut(0.5, 2.0), rate=rate, record_start=300)
    timeline = timeline.with_clip(0, later, append=False)
    timeline = timeline.with_clip(1, TimelineClip.from_item(third, rate=rate, record_start=36))
    return timeline.with_clip(2, TimelineClip.from_item(ntsc, rate=rate, record_start=96))


def test_otio_to_timeline_to_otio_is_the_same_timeline(
    clips: list[MediaItem],
    project: ProjectPaths,
    repo: MediaRepository,
    tmp_path: Path,
    make_video: Callable[..., Path],
    import_file: Callable[[Path], MediaItem],
) -> None:
    ntsc = import_file(
        make_video(project.media / "ntsc.mp4", rate="30000/1001", seconds=2, audio=True)
    )
    demo = _demo_timeline(clips, ntsc)
    first = tmp_path / "demo.otio"
    export_timeline(repo, demo, ExportFormat.OTIO, first)

    found = import_timeline(repo, first)

    assert found.notes == () and found.missing == ()
    assert found.timeline == demo
    again = timeline_to_otio(repo, found.timeline)
    written = otio.adapters.read_from_file(str(first))
    assert again.is_equivalent_to(written)
    # Positions survived as the user placed them, at the timeline's rate.
    second_clip = written.tracks[0][3]
    assert second_clip.name == clips[1].display_name
    start = written.tracks[0].range_of_child_at_index(3).start_time
    assert start.rescaled_to(24).value == pytest.approx(300)
    assert [t.kind for t in found.timeline.tracks] == [
        TrackKind.VIDEO,
        TrackKind.VIDEO,
        TrackKind.AUDIO,
    ]


def test_a_selection_round_trips_too(
    clips: list[MediaItem], repo: MediaRepository, tmp_path: Path
) -> None:
    out = tmp_path / "sel.otio"
    ids = tuple(i.id for i in reversed(clips))
    export_selection(repo, ByIds(ids), ExportFormat.OTIO, out, marks={clips[0].id: InOut(1, 2)})
    found = import_timeline(repo, out)
    assert [c.media_id for _, c in found.timeline.clips()] == list(ids)
    assert timeline_to_otio(repo, found.timeline).is_equivalent_to(
        otio.adapters.read_from_file(str(out))
    )


def test_files_that_moved_are_found_by_content_and_the_library_relinked(
    clips: list[MediaItem], project: ProjectPaths, repo: MediaRepository, tmp_path: Path
) -> None:
    out = tmp_path / "share" / "cut.otio"
    export_selection(repo, ByIds(tuple(i.id for i in clips)), ExportFormat.OTIO, out)
    # The editor's assistant moves the clips next to the timeline and renames one.
    moved: list[Path] = []
    for n, item in enumerate(clips):
        target = out.parent / ("renamed.mp4" if n == 1 else Path(item.path).name)
        shutil.move(item.path, target)
        moved.append(target.resolve())

    found = import_timeline(repo, out)

    assert [Path(c.path) for _, c in found.timeline.clips()] == moved
    assert [c.media_id for _, c in found.timeline.clips()] == [i.id for i in clips]
    assert found.relinked == 3 and found.missing == ()
    assert len(found.notes) == 3 and all("had moved" in n for n in found.notes)
    assert [repo.get(i.id).path for i in clips] == [str(p) for p in moved]  # type: ignore[union-attr]


def test_a_file_found_nowhere_is_kept_and_reported(
    clips: list[MediaItem], repo: MediaRepository, tmp_path: Path
) -> None:
    out = tmp_path / "cut.otio"
    export_selection(repo, ByIds(tuple(i.id for i in clips)), ExportFormat.OTIO, out)
    lost = clips[2].path
    Path(lost).unlink()

    found = import_timeline(repo, out)

    assert found.missing == (lost,)
    (note,) = found.notes
    assert clips[2].display_name in note and "missing" in note and lost in note
    last = list(found.timeline.clips())[-1][1]
    assert last.path == lost and last.media_id == clips[2].id
