"""The preview player plays real clips through QtMultimedia: play, pause, stop, scrub,
frame step, jumps, loop, mute; shows images; and says when a file is missing or broken."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcut_ai.core.media import MediaItem, MediaKind, Origin, ProbeInfo
from qcut_ai.library.probe import probe
from qcut_ai.library.thumbnails import make_thumbnails
from qcut_ai.services.ffmpeg_tools import run_ffmpeg
from qcut_ai.ui.player.playback import Playback
from qcut_ai.ui.player.preview_player import NEEDS_ADDONS, PreviewPlayer, clock

WAIT = 20_000  # ms: two busy cores can be slow to open a file or play it through
_VIDEO = ["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration={d}"]
_SOUND = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration={d}"]
_H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]


def _lavfi(args: list[str], seconds: int) -> list[str]:
    return [a.format(d=seconds) for a in args]


def _item(number: int, path: Path, kind: MediaKind, thumbs: Path | None = None) -> MediaItem:
    info = probe(path) if path.stat().st_size > 10_000 else None  # a damaged file is not probed
    made = make_thumbnails(path, info, thumbs) if info is not None and thumbs else None
    return MediaItem(
        id=number,
        name=path.stem,
        path=str(path),
        kind=kind,
        origin=Origin.IMPORTED,
        created_at="2025-01-01T00:00:00+00:00",
        probe=info or ProbeInfo(kind=kind, duration=1.0),
        thumbnail=str(made.poster) if made and made.poster else None,
    )


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, MediaItem]:
    d = tmp_path_factory.mktemp("preview")
    thumbs = d / "thumbs"
    files = {
        "clip": (
            d / "lighthouse.mp4",
            [*_lavfi(_VIDEO + _SOUND, 2), *_H264, "-c:a", "aac", "-shortest"],
        ),
        "silent": (d / "heron.mp4", [*_lavfi(_VIDEO, 1), *_H264]),
        "tone": (d / "tone.wav", _lavfi(_SOUND, 1)),
        "still": (d / "first frame.png", [*_lavfi(_VIDEO, 1), "-frames:v", "1"]),
    }
    for path, args in files.values():
        run_ffmpeg([*args, str(path)])
    corrupt = d / "broken.mp4"  # the index (moov) cut off, as by an interrupted copy
    corrupt.write_bytes(files["clip"][0].read_bytes()[:3000])
    return {
        "clip": _item(1, files["clip"][0], MediaKind.VIDEO, thumbs),
        "silent": _item(2, files["silent"][0], MediaKind.VIDEO, thumbs),
        "tone": _item(3, files["tone"][0], MediaKind.AUDIO, thumbs),
        "still": _item(4, files["still"][0], MediaKind.IMAGE),
        "corrupt": _item(5, corrupt, MediaKind.VIDEO),
    }


def _player(qtbot: QtBot) -> PreviewPlayer:
    player = PreviewPlayer()
    qtbot.addWidget(player)
    player.resize(420, 320)
    player.show()
    player.setFocus()
    return player


def _show(qtbot: QtBot, player: PreviewPlayer, item: MediaItem | None, state: str) -> None:
    player.show_item(item)
    qtbot.waitUntil(lambda: player.state == state, timeout=WAIT)


def _press(qtbot: QtBot, player: PreviewPlayer, key: Qt.Key) -> None:
    qtbot.keyClick(player, key)


def test_a_clip_shows_its_poster_then_plays_to_the_end_and_stop_brings_the_poster_back(
    qtbot: QtBot, media: dict[str, MediaItem]
) -> None:
    clip = media["clip"]
    player = _player(qtbot)
    assert player.objectName() == "previewPlayer" and player.state == "empty"
    assert not player.play_button.isEnabled()
    _show(qtbot, player, clip, "ready")
    assert player.title.text() == "lighthouse"
    assert player.position.text() == "00:00:00:00 / 00:00:02:00"
    assert player.picture.showing == "still" and player.picture.image() is not None
    assert player.play_button.isEnabled() and not player.notice.isVisible()

    player.play_button.click()
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    assert player.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: player.picture.showing == "video", timeout=WAIT)
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)  # it played through
    assert player.position_ms >= 1900 and player.position.text().endswith(" / 00:00:02:00")
    assert player.controls.seek.value() == player.position_ms

    player.stop_button.click()
    assert player.position_ms == 0 and player.position.text() == "00:00:00:00 / 00:00:02:00"
    assert player.picture.showing == "still" and player.state == "ready"


def test_space_plays_and_pauses_and_k_stops_where_it_is(
    qtbot: QtBot, media: dict[str, MediaItem]
) -> None:
    player = _player(qtbot)
    _show(qtbot, player, media["clip"], "ready")
    _press(qtbot, player, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    qtbot.waitUntil(lambda: player.position_ms > 200, timeout=WAIT)
    _press(qtbot, player, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)
    paused_at = player.position_ms
    assert 0 < paused_at < 2000 and player.play_button.text() == "Play"
    _press(qtbot, player, Qt.Key.Key_K)  # K only ever stops
    qtbot.wait(200)
    assert player.state == "ready" and player.position_ms == paused_at
    _press(qtbot, player, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    qtbot.waitUntil(lambda: player.position_ms > paused_at, timeout=WAIT)
    _press(qtbot, player, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)


def test_dragging_the_seek_slider_scrubs_and_playing_resumes_after(
    qtbot: QtBot, media: dict[str, MediaItem]
) -> None:
    player = _player(qtbot)
    _show(qtbot, player, media["clip"], "ready")
    seek = player.controls.seek
    assert seek.maximum() == 2000

    # Scrubbing a stopped clip shows the picture where the handle is.
    seek.setSliderDown(True)
    seek.setSliderPosition(1200)
    seek.setSliderDown(False)
    qtbot.waitUntil(lambda: player.position_ms == 1200, timeout=WAIT)
    qtbot.waitUntil(lambda: player.picture.showing == "video", timeout=WAIT)
    assert player.position.text() == "00:00:01:05 / 00:00:02:00" and player.state == "ready"

    player.seek(0)
    player.toggle_play()
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    seek.setSliderDown(True)  # grabbing the handle holds the picture...
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)
    seek.setSliderPosition(1500)
    qtbot.waitUntil(lambda: player.position_ms >= 1500, timeout=WAIT)
    seek.setSliderDown(False)  # ...and letting go plays on from there
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)
    assert player.position_ms >= 1900


def test_arrows_step_one_frame(qtbot: QtBot, media: dict[str, MediaItem]) -> None:
    clip = media["clip"]
    assert clip.probe.fps == 25
    player = _player(qtbot)
    _show(qtbot, player, clip, "ready")
    player.seek(1000)
    qtbot.waitUntil(lambda: player.position_ms == 1000, timeout=WAIT)
    _press(qtbot, player, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: player.position_ms == 1040, timeout=WAIT)  # one frame at 25 fps
    _press(qtbot, player, Qt.Key.Key_Left)
    _press(qtbot, player, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: player.position_ms == 960, timeout=WAIT)
    assert player.state == "ready" and player.position.text().startswith("00:00:00:24 /")

    # Stepping while playing pauses first.
    player.toggle_play()
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    _press(qtbot, player, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)


def test_a_clip_of_unknown_frame_rate_steps_a_thirtieth_of_a_second(
    qtbot: QtBot, media: dict[str, MediaItem]
) -> None:
    silent = media["silent"]
    unknown = silent.model_copy(update={"probe": silent.probe.model_copy(update={"fps": None})})
    player = _player(qtbot)
    _show(qtbot, player, unknown, "ready")
    for _ in range(3):
        _press(qtbot, player, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: player.position_ms == 100, timeout=WAIT)  # 3 frames of 1/30 s


def test_loop_plays_again_from_the_start_until_it_is_turned_off(
    qtbot: QtBot, media: dict[str, MediaItem]
) -> None:
    player = _player(qtbot)
    _show(qtbot, player, media["silent"], "ready")
    player.controls.loop_button.click()
    assert player.playback is not None and player.playback.looping()
    seen: list[int] = []
    player.playback.position_changed.connect(seen.append)
    player.toggle_play()
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    # Came back round: a position well before one already seen.
    qtbot.waitUntil(
        lambda: any(later < earlier - 300 for earlier, later in itertools.pairwise(seen)),
        timeout=WAIT,
    )
    assert player.state == "playing"
    player.controls.loop_button.click()
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)


def test_a_clip_with_sound_plays_muted_and_unmuted(
    qtbot: QtBot, media: dict[str, MediaItem]
) -> None:
    player = _player(qtbot)
    _show(qtbot, player, media["clip"], "ready")
    playback = player.playback
    assert isinstance(playback, Playback) and not playback.is_muted()
    _press(qtbot, player, Qt.Key.Key_M)
    assert player.controls.mute_button.isChecked() and playback.is_muted()
    _press(qtbot, player, Qt.Key.Key_Down)
    assert player.controls.volume.value() == 90 and playback.audio.volume() < 1.0
    player.toggle_play()
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)

    player.controls.mute_button.click()
    assert not playback.is_muted()
    player.toggle_play()
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    qtbot.waitUntil(lambda: player.position_ms > 0, timeout=WAIT)
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)
    assert player.position_ms >= 1900


def test_an_audio_file_plays_with_its_waveform_on_screen(
    qtbot: QtBot, media: dict[str, MediaItem]
) -> None:
    tone = media["tone"]
    player = _player(qtbot)
    _show(qtbot, player, tone, "ready")
    assert player.picture.showing == "still"  # the waveform
    assert player.position.text() == "00:00:00:00 / 00:00:01:00"
    assert player.playback is not None
    heard: list[int] = []
    player.playback.position_changed.connect(heard.append)
    player.toggle_play()
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)  # it played through
    assert max(heard) >= 900 and player.picture.showing == "still"


def test_an_image_is_shown_scaled_and_cannot_be_played(
    qtbot: QtBot, media: dict[str, MediaItem]
) -> None:
    player = _player(qtbot)
    _show(qtbot, player, media["still"], "ready")
    image = player.picture.image()
    assert image is not None and image.width() == 160  # the file itself, not a thumbnail
    assert player.picture.showing == "still" and not player.play_button.isEnabled()
    assert player.position.text() == ""  # a still has no running time
    assert player.playback is None  # no media backend is started for a still
    _press(qtbot, player, Qt.Key.Key_Space)
    assert player.state == "ready"


def test_a_moved_file_says_so_and_offers_relinking(
    qtbot: QtBot, media: dict[str, MediaItem], tmp_path: Path
) -> None:
    player = _player(qtbot)
    gone = media["clip"].model_copy(update={"path": str(tmp_path / "moved-away.mp4")})
    _show(qtbot, player, gone, "missing")
    assert "moved or deleted" in player.picture.text() and "Relink" in player.picture.text()
    assert not player.play_button.isEnabled()
    player.toggle_play()
    assert player.state == "missing"
    player.show_item(media["clip"].model_copy(update={"missing": True}))
    assert player.state == "missing" and "Relink" in player.picture.text()


@pytest.mark.qt_log_ignore(r"Could not open media")  # the backend's own note on the bad file
def test_a_damaged_file_gives_one_readable_sentence(
    qtbot: QtBot, media: dict[str, MediaItem]
) -> None:
    player = _player(qtbot)
    _show(qtbot, player, media["corrupt"], "error")
    text = player.picture.text()
    assert text.startswith("broken.mp4 cannot be played: the file is damaged or in a format")
    assert "Error." not in text and "FormatError" not in text
    assert not player.play_button.isEnabled()
    _show(qtbot, player, media["clip"], "ready")  # the next file plays as usual
    player.toggle_play()
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)


def test_choosing_another_item_stops_the_first_and_none_clears(
    qtbot: QtBot, media: dict[str, MediaItem]
) -> None:
    player = _player(qtbot)
    # As Space in the library does: show, then play at once while the file opens.
    player.show_item(media["clip"])
    player.toggle_play()
    qtbot.waitUntil(lambda: player.state == "playing", timeout=WAIT)
    player.show_item(media["clip"])  # reselecting the same clip keeps it playing
    assert player.state == "playing"
    _show(qtbot, player, media["silent"], "ready")
    playback = player.playback
    assert playback is not None and not playback.is_playing()
    assert playback.path == media["silent"].path and player.position_ms == 0
    assert player.title.text() == "heron" and player.position.text() == "00:00:00:00 / 00:00:01:00"
    _show(qtbot, player, None, "empty")
    assert player.title.text() == "" and player.position.text() == ""
    assert playback.path == "" and not playback.is_playing()


def test_hiding_the_player_pauses_it(qtbot: QtBot, media: dict[str, MediaItem]) -> None:
    player = _player(qtbot)
    _show(qtbot, player, media["clip"], "ready")
    player.toggle_play()
    qtbot.waitUntil(lambda: player.position_ms > 100, timeout=WAIT)
    player.hide()
    qtbot.waitUntil(lambda: player.state == "ready", timeout=WAIT)
    assert player.playback is not None
    assert not player.playback.is_playing() and player.position_ms > 0


def test_without_qtmultimedia_the_poster_shows_with_one_line_why(
    qtbot: QtBot, media: dict[str, MediaItem], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A host editor with PySide6-Essentials only: importing QtMultimedia fails.
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)
    monkeypatch.delitem(sys.modules, "qcut_ai.ui.player.playback")
    player = _player(qtbot)
    _show(qtbot, player, media["clip"], "ready")
    assert player.playback is None and player.notice.isVisible()
    assert player.notice.text() == NEEDS_ADDONS
    assert player.picture.showing == "still" and not player.play_button.isEnabled()
    _press(qtbot, player, Qt.Key.Key_Space)
    assert player.state == "ready"
    _show(qtbot, player, media["still"], "ready")
    assert not player.notice.isVisible()


def test_clock_formats_minutes_and_seconds() -> None:
    assert (clock(None), clock(0.4), clock(65.2), clock(600)) == ("—", "0:00", "1:05", "10:00")
