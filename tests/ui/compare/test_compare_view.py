"""The compare view plays takes together: a seek or frame step lands every cell on the
same frame, a shorter take holds its last frame, one take is heard at a time, A/B wipes."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcut_ai.core.comparison import Comparison, Take
from qcut_ai.core.job_state import JobState
from qcut_ai.core.media import MediaItem, Provenance
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.ingest import Library
from qcut_ai.services.ffmpeg_tools import run_ffmpeg
from qcut_ai.ui.compare.view import CompareView
from qcut_ai.ui.mime import decode_items

WAIT = 20_000  # ms: two busy cores can be slow to open and seek three files
_H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "10"]
_SOUND = ["-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000:duration={d}"]


@pytest.fixture(scope="module")
def takes(tmp_path_factory: pytest.TempPathFactory) -> list[MediaItem]:
    """Three generated takes of one prompt at 25 fps: 3 s, 3 s (with sound) and 1 s."""
    d = tmp_path_factory.mktemp("compare")
    project = ProjectPaths.at(d / "P").ensure()
    specs = [
        ("kling", 3, "testsrc2", False),
        ("wan", 3, "smptebars", True),
        ("veo", 1, "testsrc", False),
    ]
    items = []
    with Library(project, d / "thumbs") as lib:
        for n, (model, seconds, source, sound) in enumerate(specs):
            path = d / f"{model}.mp4"
            video = ["-f", "lavfi", "-i", f"{source}=size=320x180:rate=25:duration={seconds}"]
            audio = [a.format(d=seconds) for a in _SOUND] if sound else []
            extra = ["-c:a", "aac", "-shortest"] if sound else []
            run_ffmpeg([*video, *audio, *_H264, *extra, str(path)])
            items.append(
                lib.add_generated(
                    Path(shutil.copy(path, project.media / path.name)),
                    Provenance(
                        endpoint=f"fal-ai/{model}",
                        model_id=model,
                        model_name=model.title(),
                        request_id=f"req-{n}",
                        prompt="a kite over the dunes",
                        cost_estimate_usd=0.1 * (n + 1),
                    ),
                )
            )
    return items


def _view(qtbot: QtBot, items: list[MediaItem | None]) -> CompareView:
    comparison = Comparison(
        1,
        None,
        tuple(
            Take(None, f"m{n}", f"Model {n}", item=item)
            if item is not None
            else Take(f"job-{n}", f"m{n}", f"Model {n}", state=JobState.GENERATING)
            for n, item in enumerate(items)
        ),
    )
    view = CompareView(comparison)
    qtbot.addWidget(view)
    view.resize(900, 560)
    view.show()
    view.setFocus()
    qtbot.waitUntil(lambda: all(c.ready for c in view.cells if c.item is not None), timeout=WAIT)
    return view


def _frames(view: CompareView) -> list[int | None]:
    return [c.frame_number() for c in view.cells]


def test_a_seek_lands_every_take_on_the_same_frame_and_a_short_one_holds_its_last(
    qtbot: QtBot, takes: list[MediaItem]
) -> None:
    view = _view(qtbot, list(takes))
    assert [c.title.text() for c in view.cells] == ["1  Model 0", "2  Model 1", "3  Model 2"]
    assert "320×180" in view.cells[0].facts.text() and "$0.10" in view.cells[0].facts.text()

    view.transport.seek(2000)  # frame 50 of the 3 s takes; past the end of the 1 s one
    qtbot.waitUntil(
        lambda: all(f is not None and abs(f - 50) <= 1 for f in _frames(view)[:2]), timeout=WAIT
    )
    qtbot.waitUntil(lambda: (_frames(view)[2] or 0) >= 23, timeout=WAIT)  # its last frame
    assert view.bar.time.text() == "0:02 / 0:03"

    view.transport.seek(400)
    qtbot.waitUntil(
        lambda: all(f is not None and abs(f - 10) <= 1 for f in _frames(view)), timeout=WAIT
    )
    qtbot.keyClick(view, Qt.Key.Key_Right)  # one frame on, all of them
    qtbot.waitUntil(
        lambda: all(f is not None and abs(f - 11) <= 1 for f in _frames(view)), timeout=WAIT
    )
    frames = [f for f in _frames(view) if f is not None]
    assert max(frames) - min(frames) <= 1


def test_playing_runs_all_takes_together_and_space_pauses_them_on_one_frame(
    qtbot: QtBot, takes: list[MediaItem]
) -> None:
    view = _view(qtbot, list(takes[:2]))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert view.transport.playing and view.bar.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: all((f or 0) >= 20 for f in _frames(view)), timeout=WAIT)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert not view.transport.playing
    at = round(view.transport.position() * 25 / 1000)
    qtbot.waitUntil(
        lambda: all(f is not None and abs(f - at) <= 1 for f in _frames(view)), timeout=WAIT
    )


def test_solo_lets_one_take_be_heard_and_clicking_it_again_silences_it(
    qtbot: QtBot, takes: list[MediaItem]
) -> None:
    view = _view(qtbot, list(takes))
    playbacks = [c.playback for c in view.cells]
    assert all(p is not None and p.is_muted() for p in playbacks)
    assert view.cells[1].solo_button.isEnabled() and not view.cells[0].solo_button.isEnabled()
    view.cells[1].solo_button.click()
    assert [p.is_muted() for p in playbacks if p] == [True, False, True]
    assert view.cells[1].solo_button.isChecked()
    view.cells[1].solo_button.click()
    assert all(p.is_muted() for p in playbacks if p)


def test_a_b_shows_two_takes_split_by_a_divider_that_follows_the_mouse(
    qtbot: QtBot, takes: list[MediaItem]
) -> None:
    view = _view(qtbot, list(takes[:2]))
    view.transport.seek(1000)
    qtbot.waitUntil(lambda: all(f is not None for f in _frames(view)), timeout=WAIT)
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert view.pages.currentWidget() is view.wipe
    assert (view.wipe.a, view.wipe.b) == (view.cells[0], view.cells[1])
    view.wipe.resize(400, 225)
    qtbot.mousePress(view.wipe, Qt.MouseButton.LeftButton, pos=view.wipe.rect().center() / 2)
    assert view.wipe.split == pytest.approx(0.25, abs=0.02)
    shot = view.wipe.grab().toImage()
    left, right = shot.pixelColor(50, 150), shot.pixelColor(300, 150)
    assert left != right  # two different pictures either side of the divider
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert view.pages.currentIndex() == 0


def test_a_take_still_generating_says_so_and_cannot_be_picked(
    qtbot: QtBot, takes: list[MediaItem]
) -> None:
    view = _view(qtbot, [takes[0], None])
    assert view.cells[1].picture.text() == "Model 1 is generating…"
    assert view.status.text() == "1 of 2 still generating."
    picked: list[int] = []
    view.pick_requested.connect(picked.append)
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert picked == [] and "no clip yet" in view.status.text()
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert picked == [takes[0].id]
    view.cells[0].pick_button.click()  # a click picks as the key does
    assert picked == [takes[0].id, takes[0].id]


def test_the_set_loops_between_in_and_out_and_a_take_drags_like_a_library_clip(
    qtbot: QtBot, takes: list[MediaItem]
) -> None:
    view = _view(qtbot, list(takes[:2]))
    transport = view.transport
    transport.seek(400)
    qtbot.keyClick(view, Qt.Key.Key_I)
    transport.seek(1200)
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert view.bar.range.text() == "In 0:00 · Out 0:01"
    view.bar.loop.setChecked(True)
    seen: list[int] = []
    transport.position_changed.connect(seen.append)
    transport.play()  # from the In point: the position is past the Out point
    qtbot.waitUntil(
        lambda: any(a > 1100 and b < 700 for a, b in itertools.pairwise(seen)),
        timeout=WAIT,
    )
    assert transport.playing and min(seen) >= 400
    transport.pause()

    payload = decode_items(view.cells[0].drag_payload(takes[0]))
    assert [(p["id"], p["path"]) for p in payload] == [(takes[0].id, takes[0].path)]
