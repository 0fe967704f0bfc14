"""The Kdenlive export is a real MLT project: melt renders it to the timeline's length."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import av
import opentimelineio as otio
import pytest

from qcut_ai.core.frame_rate import frame_rate
from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.timeline import InOut
from qcut_ai.interchange import ByIds, ExportFormat, export_selection
from qcut_ai.library.repository import MediaRepository

MELT = shutil.which("melt")


def _render(project: Path, out: Path) -> None:
    assert MELT, "melt (Debian package melt, MLT 7) is needed; .ci/run installs it"
    proc = subprocess.run(
        [MELT, "-quiet", str(project), "-consumer", f"avformat:{out}", "vcodec=libx264", "an=1"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


def _length(path: Path) -> tuple[float, int, float]:
    """(seconds, frames, rate) of the rendered video."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.demux(stream) if _.size)
        rate = float(stream.average_rate or 0)
        return frames / rate, frames, rate


def test_melt_renders_the_kdenlive_export_to_the_timelines_duration(
    clips: list[MediaItem],
    project: ProjectPaths,
    repo: MediaRepository,
    tmp_path: Path,
    make_video: Callable[..., Path],
    import_file: Callable[[Path], MediaItem],
) -> None:
    # A 25 fps clip with sound among the 24 fps ones: it is conformed to the timeline.
    pal = import_file(make_video(project.media / "pal.mp4", rate="25", seconds=2, audio=True))
    first, second, third = clips
    ids = (first.id, second.id, pal.id, third.id)
    marks = {second.id: InOut(1.0, 3.5)}
    out = tmp_path / "cut.kdenlive"

    result = export_selection(repo, ByIds(ids), ExportFormat.KDENLIVE, out, marks=marks)

    rate = frame_rate(first.probe.fps)
    assert rate is not None and pal.probe.duration is not None
    expected = first.probe.duration + 2.5 + pal.probe.duration + third.probe.duration
    assert result.duration_s == pytest.approx(expected, abs=1 / float(rate))
    rendered = tmp_path / "render.mp4"
    _render(out, rendered)
    seconds, frames, fps = _length(rendered)
    assert fps == pytest.approx(float(rate))
    assert abs(seconds - expected) <= 1 / float(rate)  # within one frame
    # The guides carry each generated clip's model and prompt.
    back = otio.adapters.read_from_file(str(out), adapter_name="kdenlive")
    guides = [m.name for m in back.tracks.markers]
    for item in (first, second, third):
        assert item.provenance is not None
        assert f"{item.provenance.model_name}: {item.provenance.prompt}" in guides
    assert frames > 0
