"""File ▸ Export/Import timeline and the panel's export call, on a real library."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
from PySide6.QtCore import QPointF
from pytestqt.qtbot import QtBot

from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.timeline import Timeline
from qcut_ai.core.timeline_edit import clip_from_payload
from qcut_ai.ui.timeline import HEADER, LEFT, PIXELS_PER_SECOND, TRACK_HEIGHT
from tests.ui.layout_check import open_window as _window


def _fill(window: object, qtbot: QtBot) -> None:
    panel, timeline = window.panel, window.timeline  # type: ignore[attr-defined]
    videos = [i for i in panel.model.items if i.kind.value == "video"]
    clips = [clip_from_payload(i.to_json(), timeline.rate) for i in videos]
    timeline.drop_clips(
        [c for c in clips if c is not None],
        QPointF(LEFT + 3 * PIXELS_PER_SECOND, HEADER + TRACK_HEIGHT + 10),
    )


def test_export_then_import_gives_the_same_timeline(
    qtbot: QtBot, library_project: ProjectPaths, tmp_path: Path
) -> None:
    window = _window(qtbot, library_project.root, (1440, 900))
    _fill(window, qtbot)
    before = window.timeline.timeline
    first, second = window.timeline.clips
    assert (first.start, second.start) == (3.0, 3.0 + first.duration)
    out = tmp_path / "cut.otio"
    with qtbot.waitSignal(window.timeline_files.exported, timeout=30_000):
        window.timeline_files.export(out)
    read = otio.adapters.read_from_file(str(out))
    assert [c.name for c in read.find_clips()] == [c.name for c in window.timeline.clips]
    assert "Exported 2 clip(s) to cut.otio" in window.statusBar().currentMessage()

    window.timeline.set_timeline(Timeline.empty(video=3))
    with qtbot.waitSignal(window.timeline_files.imported, timeout=30_000):
        window.timeline_files.import_(out)
    after = window.timeline.timeline
    assert [
        (t.name, [(c.path, c.record_start, c.source_out) for c in t.clips]) for t in after.tracks
    ] == [
        (t.name, [(c.path, c.record_start, c.source_out) for c in t.clips]) for t in before.tracks
    ]
    assert window.timeline.undo() and window.timeline.clips == []  # the import is one undo
    window.close()


def test_an_empty_timeline_is_not_exported(qtbot: QtBot, library_project: ProjectPaths) -> None:
    window = _window(qtbot, library_project.root, (1440, 900))
    window.timeline_files.export(Path("/nowhere/cut.edl"))
    assert "timeline is empty" in window.statusBar().currentMessage()
    window.close()


def test_the_panel_hands_a_host_an_otio_timeline_with_the_marked_range(
    qtbot: QtBot, library_project: ProjectPaths
) -> None:
    window = _window(qtbot, library_project.root, (1440, 900))
    panel = window.panel
    row = max(range(3), key=lambda r: panel.model.items[r].duration or 0)
    item = panel.model.items[row]
    panel.view.setCurrentIndex(panel.model.index(row, 0))
    qtbot.waitUntil(lambda: panel.preview.state == "ready", timeout=20_000)
    panel.preview.seek(400)
    qtbot.waitUntil(lambda: panel.preview.position_ms == 400, timeout=20_000)
    panel.preview.mark_in()
    got: list[object] = []
    panel.export_otio([i.id for i in panel.model.items], got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=30_000)
    timeline = got[0]
    assert isinstance(timeline, otio.schema.Timeline)
    clips = list(timeline.find_clips())
    assert len(clips) == 3
    marked = next(c for c in clips if c.media_reference.target_url.endswith(Path(item.path).name))
    assert abs(marked.source_range.start_time.to_seconds() - 0.4) < 0.05
    window.close()
