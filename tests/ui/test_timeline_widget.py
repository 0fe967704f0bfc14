"""The demo timeline takes a drop where it is aimed (snapped, shown beforehand),
lets clips be dragged, and undoes."""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragMoveEvent, QDropEvent
from pytestqt.qtbot import QtBot

from qcut_ai.ui.mime import MEDIA_MIME
from qcut_ai.ui.timeline import HEADER, LEFT, PIXELS_PER_SECOND, TRACK_HEIGHT, TimelineWidget


def _mime(*seconds: float) -> QMimeData:
    items = [
        {
            "id": n + 1,
            "display_name": f"clip {n + 1}",
            "path": f"/m/{n}.mp4",
            "kind": "video",
            "duration": s,
            "fps": 24.0,
        }
        for n, s in enumerate(seconds)
    ]
    mime = QMimeData()
    mime.setData(MEDIA_MIME, json.dumps({"version": 1, "items": items}).encode())
    return mime


def _at(second: float, track: int) -> QPointF:
    return QPointF(LEFT + second * PIXELS_PER_SECOND, HEADER + track * TRACK_HEIGHT + 20)


def _drop(widget: TimelineWidget, mime: QMimeData, pos: QPointF) -> None:
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.dragMoveEvent(QDragMoveEvent(pos.toPoint(), *args))
    widget.dropEvent(QDropEvent(pos, *args))


def _timeline(qtbot: QtBot) -> TimelineWidget:
    widget = TimelineWidget(tracks=3)
    qtbot.addWidget(widget)
    widget.resize(1200, 200)
    widget.show()
    return widget


def test_a_drop_lands_at_the_pointers_time_and_track(qtbot: QtBot) -> None:
    widget = _timeline(qtbot)
    _drop(widget, _mime(4.0), _at(12.0, 1))
    [clip] = widget.clips
    assert (clip.track, clip.start, clip.duration) == (1, 12.0, 4.0)


def test_the_drop_indicator_shows_where_it_will_land(qtbot: QtBot) -> None:
    widget = _timeline(qtbot)
    mime = _mime(4.0)
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.dragMoveEvent(QDragMoveEvent(_at(6.0, 2).toPoint(), *args))
    assert widget.ghost is not None
    assert (widget.ghost.track, widget.ghost.frame, widget.ghost.length) == (2, 144, 96)
    image = widget.grab().toImage()
    x = int(LEFT + 6.0 * PIXELS_PER_SECOND)
    assert image.pixelColor(x, HEADER + 2 * TRACK_HEIGHT + 20).red() > 200  # the yellow line
    widget.dragLeaveEvent(None)  # type: ignore[arg-type]
    assert widget.ghost is None and widget.clips == []


def test_a_drop_near_an_edge_snaps_to_it_and_never_overlaps(qtbot: QtBot) -> None:
    widget = _timeline(qtbot)
    _drop(widget, _mime(4.0), _at(0.0, 0))
    _drop(widget, _mime(2.0), _at(4.2, 0))  # 5 px after the first clip's end
    _drop(widget, _mime(3.0), _at(1.0, 0))  # on top of the first: goes after the second
    assert [(c.start, c.duration) for c in widget.clips] == [(0.0, 4.0), (4.0, 2.0), (6.0, 3.0)]


def test_several_items_land_one_after_another_and_undo_takes_them_all(qtbot: QtBot) -> None:
    widget = _timeline(qtbot)
    added: list[object] = []
    widget.clip_added.connect(added.append)
    _drop(widget, _mime(2.0, 3.0), _at(10.0, 0))
    assert [(c.start, c.duration) for c in widget.clips] == [(10.0, 2.0), (12.0, 3.0)]
    assert len(added) == 2
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert widget.clips == []
    qtbot.keyClick(
        widget,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert len(widget.clips) == 2


def test_a_clip_is_dragged_to_another_time_and_track(qtbot: QtBot) -> None:
    widget = _timeline(qtbot)
    _drop(widget, _mime(4.0), _at(2.0, 0))
    start = _at(3.0, 0).toPoint()  # grabbed a second into the clip
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(widget, _at(21.0, 2).toPoint())
    assert widget.ghost is not None and widget.ghost.track == 2
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=_at(21.0, 2).toPoint())
    [clip] = widget.clips
    assert (clip.track, clip.start) == (2, 20.0)
    assert widget.ghost is None
    assert widget.undo() and widget.clips[0].start == 2.0


def test_something_else_dropped_is_refused(qtbot: QtBot) -> None:
    widget = _timeline(qtbot)
    mime = QMimeData()
    mime.setText("not clips")
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event = QDropEvent(QPointF(QPoint(40, 40)), *args)
    widget.dropEvent(event)
    assert widget.clips == [] and not event.isAccepted()
