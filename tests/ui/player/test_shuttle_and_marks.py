"""J/K/L shuttle and I/O marks on real clips, as an editor uses them from the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcut_ai.core.media import MediaItem, MediaKind, Origin
from qcut_ai.library.probe import probe
from qcut_ai.services.ffmpeg_tools import run_ffmpeg
from qcut_ai.ui.player.preview_player import PreviewPlayer

WAIT = 20_000


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> MediaItem:
    path = tmp_path_factory.mktemp("shuttle") / "surf.mp4"
    run_ffmpeg(
        [
            *("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=12"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "5"),
            str(path),
        ]
    )
    return MediaItem(
        id=1,
        name="surf",
        path=str(path),
        kind=MediaKind.VIDEO,
        origin=Origin.IMPORTED,
        created_at="2026-01-01T00:00:00+00:00",
        probe=probe(Path(path)),
    )


def _ready(qtbot: QtBot, item: MediaItem) -> PreviewPlayer:
    player = PreviewPlayer()
    qtbot.addWidget(player)
    player.resize(420, 320)
    player.show()
    player.setFocus()
    player.show_item(item)
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)
    return player


def _rate(player: PreviewPlayer) -> float:
    assert player.playback is not None
    return player.playback.player.playbackRate()


def test_l_plays_faster_each_press_and_k_stops_there(qtbot: QtBot, long_clip: MediaItem) -> None:
    player = _ready(qtbot, long_clip)
    qtbot.keyClick(player, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    assert (player.shuttle.speed, _rate(player)) == (1, 1.0)
    qtbot.keyClick(player, Qt.Key.Key_L)
    qtbot.keyClick(player, Qt.Key.Key_L)
    assert (player.shuttle.speed, _rate(player)) == (4, 4.0)
    assert player.controls.speed.isVisible() and player.controls.speed.text() == "▶ 4×"
    qtbot.waitUntil(lambda: player.position_ms > 1500, timeout=WAIT)
    qtbot.keyClick(player, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)
    stopped = player.position_ms
    assert player.shuttle.speed == 0 and _rate(player) == 1.0
    assert not player.controls.speed.isVisible()
    qtbot.wait(300)
    assert player.position_ms == stopped  # K stays on that frame


def test_j_slows_a_forward_shuttle_then_plays_backwards(qtbot: QtBot, long_clip: MediaItem) -> None:
    player = _ready(qtbot, long_clip)
    player.seek(6000)
    qtbot.waitUntil(lambda: player.position_ms == 6000, timeout=WAIT)
    qtbot.keyClick(player, Qt.Key.Key_L)
    qtbot.keyClick(player, Qt.Key.Key_L)
    assert player.shuttle.speed == 2
    qtbot.keyClick(player, Qt.Key.Key_J)
    assert player.shuttle.speed == 1  # first it slows down...
    qtbot.keyClick(player, Qt.Key.Key_J)
    assert player.shuttle.speed == -1  # ...then turns round
    qtbot.keyClick(player, Qt.Key.Key_J)
    assert player.shuttle.speed == -2 and player.controls.speed.text() == "◀ 2×"
    turned_at = player.position_ms
    qtbot.waitUntil(lambda: player.position_ms < turned_at - 500, timeout=WAIT)
    assert player.state == "ready"  # backwards is shown frame by frame, not played
    qtbot.keyClick(player, Qt.Key.Key_Space)  # Space stops a shuttle too
    assert player.shuttle.speed == 0


def test_backwards_stops_at_the_first_frame(qtbot: QtBot, long_clip: MediaItem) -> None:
    player = _ready(qtbot, long_clip)
    player.seek(600)
    qtbot.waitUntil(lambda: player.position_ms == 600, timeout=WAIT)
    for _ in range(4):
        qtbot.keyClick(player, Qt.Key.Key_J)
    assert player.shuttle.speed == -8
    qtbot.waitUntil(lambda: player.shuttle.speed == 0, timeout=WAIT)
    qtbot.waitUntil(lambda: player.position_ms == 0, timeout=WAIT)


def test_i_and_o_mark_a_range_in_timecode_and_shift_goes_to_them(
    qtbot: QtBot, long_clip: MediaItem
) -> None:
    player = _ready(qtbot, long_clip)
    marks: list[object] = []
    player.marks_changed.connect(marks.append)
    player.seek(2000)
    qtbot.waitUntil(lambda: player.position_ms == 2000, timeout=WAIT)
    qtbot.keyClick(player, Qt.Key.Key_I)
    player.seek(5520)
    qtbot.waitUntil(lambda: player.position_ms == 5520, timeout=WAIT)
    qtbot.keyClick(player, Qt.Key.Key_O)
    assert player.marked_range == (2000, 5520)
    assert marks[-1] == (2000, 5520)
    assert player.controls.marks.text() == ("In 00:00:02:00 · Out 00:00:05:13 · 00:00:03:13 long")
    qtbot.keyClick(player, Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: player.position_ms == 2000, timeout=WAIT)
    qtbot.keyClick(player, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: player.position_ms == 5520, timeout=WAIT)

    # An In after the Out starts a new range: the old Out goes.
    player.seek(8000)
    qtbot.waitUntil(lambda: player.position_ms == 8000, timeout=WAIT)
    qtbot.keyClick(player, Qt.Key.Key_I)
    assert (player.in_ms, player.out_ms) == (8000, None)
    assert player.marked_range == (8000, player.duration_ms)


def test_another_clip_clears_the_marks(qtbot: QtBot, long_clip: MediaItem) -> None:
    player = _ready(qtbot, long_clip)
    player.seek(1000)
    qtbot.waitUntil(lambda: player.position_ms == 1000, timeout=WAIT)
    qtbot.keyClick(player, Qt.Key.Key_I)
    assert player.marked_range is not None
    player.show_item(None)
    assert player.marked_range is None and not player.controls.marks.isVisible()
