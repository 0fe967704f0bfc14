"""The preview player shows a real clip's poster, name and duration, plays its frames, and
says when the file is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcut_ai.core.media import MediaItem, MediaKind, Origin
from qcut_ai.library.probe import probe
from qcut_ai.library.thumbnails import STRIP_FRAMES, make_thumbnails
from qcut_ai.services.ffmpeg_tools import run_ffmpeg
from qcut_ai.ui.preview_player import PreviewPlayer, clock


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> MediaItem:
    folder = tmp_path_factory.mktemp("preview")
    path = folder / "lighthouse.mp4"
    run_ffmpeg(
        [
            *("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)),
        ]
    )
    info = probe(path)
    thumbs = make_thumbnails(path, info, folder / "thumbs")
    return MediaItem(
        id=1,
        name="AI (Kling 2.5): a lighthouse in a storm",
        path=str(path),
        kind=MediaKind.VIDEO,
        origin=Origin.AI,
        created_at="2025-01-01T00:00:00+00:00",
        probe=info,
        thumbnail=str(thumbs.poster),
        filmstrip=str(thumbs.filmstrip),
    )


def _player(qtbot: QtBot) -> PreviewPlayer:
    player = PreviewPlayer()
    qtbot.addWidget(player)
    player.resize(360, 280)
    player.show()
    return player


def _show(qtbot: QtBot, player: PreviewPlayer, item: MediaItem | None, state: str) -> None:
    player.show_item(item)
    qtbot.waitUntil(lambda: player.state == state, timeout=10_000)


def test_clip_shows_its_poster_name_and_duration(qtbot: QtBot, clip: MediaItem) -> None:
    player = _player(qtbot)
    assert player.objectName() == "previewPlayer" and player.state == "empty"
    assert not player.play_button.isEnabled()
    _show(qtbot, player, clip, "ready")
    assert player.title.text() == clip.name
    assert player.position.text() == "0:00 / 0:01"
    pixmap = player.picture.pixmap()
    assert not pixmap.isNull() and pixmap.width() > 100
    assert player.frame_count == STRIP_FRAMES
    assert player.play_button.isEnabled() and player.notice.isVisible()


def test_space_plays_to_the_end_pauses_and_stop_returns_to_the_start(
    qtbot: QtBot, clip: MediaItem
) -> None:
    player = _player(qtbot)
    _show(qtbot, player, clip, "ready")
    player.setFocus()
    qtbot.keyClick(player, Qt.Key.Key_Space)
    assert player.state == "playing" and player.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: player.frame_index >= 2, timeout=10_000)

    qtbot.keyClick(player, Qt.Key.Key_Space)
    assert player.state == "ready"
    paused_at = player.frame_index
    assert paused_at >= 2 and player.play_button.text() == "Play"

    player.toggle_play()
    assert player.state == "playing" and player.frame_index == paused_at
    qtbot.waitUntil(lambda: player.state == "ready", timeout=10_000)
    assert player.frame_index == player.frame_count - 1
    assert player.position.text().endswith("/ 0:01")

    player.stop()
    assert player.frame_index == 0 and player.state == "ready"
    assert player.position.text() == "0:00 / 0:01"


def test_a_deleted_file_shows_the_missing_state(
    qtbot: QtBot, clip: MediaItem, tmp_path: Path
) -> None:
    player = _player(qtbot)
    gone = clip.model_copy(update={"path": str(tmp_path / "moved-away.mp4")})
    _show(qtbot, player, gone, "missing")
    assert "File missing" in player.picture.text()
    assert not player.play_button.isEnabled()
    player.toggle_play()
    assert player.state == "missing"

    flagged = clip.model_copy(update={"missing": True})
    player.show_item(flagged)
    assert player.state == "missing" and "Relink" in player.picture.text()


def test_an_image_is_shown_and_cannot_be_played(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "frame.png"
    Image.new("RGB", (64, 36), (200, 40, 40)).save(path)
    item = MediaItem(
        id=2,
        name="first frame",
        path=str(path),
        kind=MediaKind.IMAGE,
        origin=Origin.IMPORTED,
        created_at="2025-01-01T00:00:00+00:00",
        probe=probe(path),
    )
    player = _player(qtbot)
    _show(qtbot, player, item, "ready")
    assert not player.picture.pixmap().isNull()
    assert not player.play_button.isEnabled() and not player.notice.isVisible()
    player.toggle_play()
    assert player.state == "ready"


def test_the_latest_selection_wins_and_none_clears(
    qtbot: QtBot, clip: MediaItem, tmp_path: Path
) -> None:
    player = _player(qtbot)
    other = clip.model_copy(update={"path": str(tmp_path / "nope.mp4"), "name": "other"})
    player.show_item(clip)
    _show(qtbot, player, other, "missing")
    assert player.title.text() == "other"
    _show(qtbot, player, None, "empty")
    assert player.title.text() == "" and player.position.text() == ""


def test_clock_formats_minutes_and_seconds() -> None:
    assert (clock(None), clock(0.4), clock(65.2), clock(600)) == ("—", "0:00", "1:05", "10:00")


def test_a_clip_without_thumbnails_yet_says_so(qtbot: QtBot, clip: MediaItem) -> None:
    player = _player(qtbot)
    bare = clip.model_copy(update={"thumbnail": None, "filmstrip": None})
    _show(qtbot, player, bare, "ready")
    assert "No preview picture" in player.picture.text()
    assert player.position.text() == "0:00 / 0:01" and not player.play_button.isEnabled()
    player.stop()
    assert "No preview picture" in player.picture.text()
