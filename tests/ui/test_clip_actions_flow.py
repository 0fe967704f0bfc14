"""Today's ways of working from a library clip, offline end to end: extend, edit, lipsync,
continue from the last frame, and reference images up to a model's limit.

Each runs the real path: the panel's tab, the real fal-client against the
offline stand-in, uploads of the clip, download and ingest into the library.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from qcut_ai.app.main import build_window
from qcut_ai.app.shell import MainWindow
from qcut_ai.core.catalog import Category
from qcut_ai.core.media import MediaItem
from qcut_ai.core.settings import Settings
from qcut_ai.library.probe import probe
from qcut_ai.services.ffmpeg_tools import run_ffmpeg
from qcut_ai.services.rehearsal.registry import recorded_endpoints
from qcut_ai.services.settings_store import SettingsStore
from qcut_ai.ui.generate.tab import GenerateTab
from qcut_ai.ui.media_panel import MediaPanel

SOURCE_MODEL = "wan-2.2-turbo"


def _window(qtbot: QtBot, project: Path) -> MainWindow:
    SettingsStore().save(Settings(poll_interval_s=0.05, poll_max_interval_s=0.1))
    # Wide enough that the preview (and its buttons) shows: a narrow dock hides it.
    args = argparse.Namespace(project=str(project), offline=False, size=(1440, 900))
    window = build_window(args)
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    return window


def _generate(qtbot: QtBot, panel: MediaPanel, tab: GenerateTab) -> MediaItem:
    """Press Generate on `tab` and wait for the one clip it makes to reach the library."""
    added: list[MediaItem] = []
    panel.media_added.connect(added.append)
    try:
        qtbot.waitUntil(lambda: tab.generate_button.isEnabled(), timeout=10_000)
        qtbot.waitUntil(lambda: not tab.inputs.pending(), timeout=10_000)
        qtbot.mouseClick(tab.generate_button, Qt.MouseButton.LeftButton)
        assert tab.error_label.text() == ""
        qtbot.waitUntil(lambda: len(added) == 1, timeout=60_000)
    finally:
        panel.media_added.disconnect(added.append)
    qtbot.waitUntil(lambda: panel.library_panel.model.row_of(added[0].id) is not None)
    return added[0]


def _source_clip(qtbot: QtBot, panel: MediaPanel) -> MediaItem:
    tab = panel.text_tab
    tab.picker.select_ids([SOURCE_MODEL])
    tab.set_prompt("a kite over the dunes")
    return _generate(qtbot, panel, tab)


def _details(panel: MediaPanel, item: MediaItem) -> str:
    library = panel.library_panel
    row = library.model.row_of(item.id)
    assert row is not None
    library.details.show_item(library.model.items[row])
    return library.details.text()


def _derive(qtbot: QtBot, panel: MediaPanel, action: str, item: MediaItem) -> GenerateTab:
    panel.derive(action, item)
    qtbot.waitUntil(lambda: isinstance(panel.tabs.currentWidget(), GenerateTab))
    tab = panel.tabs.currentWidget()
    assert isinstance(tab, GenerateTab)
    return tab


def test_extending_a_clip_makes_a_longer_clip_linked_to_its_source(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = _window(qtbot, tmp_path / "P")
    panel = window.panel
    source = _source_clip(qtbot, panel)

    # "Extend…" under the preview, for the clip loaded there.
    panel.preview.show_item(source)
    extend_button = panel.preview_derive.buttons["extend"]
    qtbot.waitUntil(lambda: not extend_button.isHidden())  # laid out once the bar shows
    assert extend_button.text() == "Extend…"
    qtbot.mouseClick(extend_button, Qt.MouseButton.LeftButton)
    tab = panel.tabs.currentWidget()
    assert tab is panel.generate_tabs[Category.EXTEND]
    assert tab.inputs.paths()[tab.inputs.roles()[0]] == source.path
    tab.set_prompt("the kite climbs into the clouds")
    result = _generate(qtbot, panel, tab)

    assert result.probe.duration and source.probe.duration
    assert result.probe.duration > source.probe.duration + 0.5
    assert result.parent_id == source.id
    shown = _details(panel, result)
    assert f"Lineage: extended from “{source.display_name}”" in shown
    assert "Duration: " in shown
    assert f"Lineage: extended as “{result.display_name}”" in _details(panel, source)

    # An image-only model continues the clip from its exact last frame, read in a worker.
    image_tab = panel.generate_tabs[Category.IMAGE_TO_VIDEO]
    panel.derive("continue", source)
    qtbot.waitUntil(lambda: bool(image_tab.inputs.paths()), timeout=10_000)
    assert panel.tabs.currentWidget() is image_tab
    frame = Path(next(iter(image_tab.inputs.paths().values())))
    assert frame.is_file() and frame.suffix == ".png"
    assert image_tab.prompt.toPlainText() == "a kite over the dunes"
    image_tab.picker.select_ids(["kling-2.5-turbo-pro-i2v"])
    continued = _generate(qtbot, panel, image_tab)
    assert continued.parent_id == source.id
    assert "continued from the last frame of" in _details(panel, continued)
    window.close()


def test_edit_keeps_the_clips_shape_and_lipsync_follows_the_audio(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = _window(qtbot, tmp_path / "P")
    panel = window.panel
    source = _source_clip(qtbot, panel)
    src = probe(Path(source.path))

    # "Edit / restyle…" from the library's context menu.
    menu = panel.library_panel.library_actions.build_menu([source])
    action = menu.findChild(QAction, "actionDerive_edit")
    assert action is not None and action.text() == "Edit / restyle…"
    action.trigger()
    menu.deleteLater()
    edit = panel.tabs.currentWidget()
    assert edit is panel.generate_tabs[Category.VIDEO_EDIT]
    assert source.path in edit.inputs.paths().values()
    edit.picker.select_ids(["kling-o3-pro-edit"])  # takes optional reference images
    assert not edit.inputs.references.isHidden()
    edit.picker.select_ids(["wan-2.7-edit"])
    edit.set_prompt("make it a watercolour painting")
    edited = _generate(qtbot, panel, edit)
    out = probe(Path(edited.path))
    assert (out.width, out.height) == (src.width, src.height)
    assert out.duration == pytest.approx(src.duration, abs=0.15)
    assert "edited from" in _details(panel, edited)

    voice = tmp_path / "voice.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=300:duration=3.2", str(voice)])
    lipsync = _derive(qtbot, panel, "lipsync", source)
    assert lipsync is panel.generate_tabs[Category.LIPSYNC]
    lipsync.set_input("audio", str(voice))
    synced = _generate(qtbot, panel, lipsync)
    assert probe(Path(synced.path)).duration == pytest.approx(3.2, abs=0.15)
    assert synced.parent_id == source.id
    assert "lip-synced as" in _details(panel, source)
    window.close()


def test_reference_images_over_the_models_limit_are_refused_in_one_sentence(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = _window(qtbot, tmp_path / "P")
    panel = window.panel
    # Every category has its tab, and no tab offers an endpoint fal retired.
    assert set(panel.generate_tabs) == set(Category)
    retired = {r["endpoint_id"] for r in recorded_endpoints() if r.get("deprecated")}
    for each in panel.generate_tabs.values():
        assert each.specs and retired.isdisjoint(s.endpoint for s in each.specs)
    tab = panel.generate_tabs[Category.REFERENCE_TO_VIDEO]
    tab.picker.select_ids(["happy-horse-1.1-ref"])
    limit = tab.inputs.references.limit()
    assert limit == 9
    images = []
    for n in range(limit + 1):
        image = tmp_path / f"ref{n}.png"
        run_ffmpeg(
            ["-f", "lavfi", "-i", f"color=0x{n:02x}4080:size=480x480", "-vframes", "1", str(image)]
        )
        images.append(str(image))

    assert tab.set_reference_images(images[:limit])
    assert not tab.set_reference_images(images[limit:])
    refusal = tab.inputs.references.error_text()
    assert refusal == "Happy Horse 1.1 (reference) takes at most 9 reference images, not 10."
    assert tab.inputs.references.paths() == images[:limit]  # nothing chosen is lost
    assert tab.current_request().reference_images == images[:limit]

    # Too many from a past request: Generate is refused with the same sentence, nothing sent.
    tab.inputs.references.set_paths(images)
    tab.request_generate()
    assert "takes at most 9 reference images, not 10." in tab.error_label.text()
    assert panel.job_list.job_ids() == []

    # Within the limit the local images are uploaded, and the clip records each one.
    tab.inputs.references.set_paths(images[:2])
    tab.set_prompt("character1 waves at character2")
    made = _generate(qtbot, panel, tab)
    assert made.provenance is not None
    sent = [i["path"] for i in made.provenance.inputs if i["role"] == "reference_images"]
    assert sent == images[:2]
    assert all(u.startswith("http") for u in made.provenance.arguments["image_urls"])
    window.close()


def test_extend_from_out_sends_the_marked_range_and_continue_from_the_playhead(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = _window(qtbot, tmp_path / "P")
    panel = window.panel
    source = _source_clip(qtbot, panel)
    player = panel.preview
    player.show_item(source)
    qtbot.waitUntil(lambda: player.state == "ready", timeout=20_000)
    player.seek(1000)
    qtbot.waitUntil(lambda: player.position_ms == 1000, timeout=20_000)
    player.mark_out()
    extend_button = panel.preview_derive.buttons["extend"]
    assert extend_button.text() == "Extend from Out…"

    extend_tab = panel.generate_tabs[Category.EXTEND]
    qtbot.mouseClick(extend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.tabs.currentWidget() is extend_tab, timeout=20_000)
    sent = Path(extend_tab.inputs.paths()[extend_tab.inputs.roles()[0]])
    assert sent != Path(source.path)
    length = probe(sent).duration
    assert length is not None and abs(length - 1.0) < 0.1  # up to Out, not the whole clip
    extend_tab.set_prompt("the kite climbs into the clouds")
    result = _generate(qtbot, panel, extend_tab)
    assert result.parent_id == source.id  # the clip, not the cut, is the source

    # Continue from the frame the playhead is on.
    player.seek(600)
    qtbot.waitUntil(lambda: player.position_ms == 600, timeout=20_000)
    bar = panel.preview_derive
    assert "continue_here" in bar.offered()
    image_tab = panel.generate_tabs[Category.IMAGE_TO_VIDEO]
    bar.trigger("continue_here")  # a button, or an entry under More in a narrow preview
    qtbot.waitUntil(lambda: bool(image_tab.inputs.paths()), timeout=20_000)
    frame = Path(next(iter(image_tab.inputs.paths().values())))
    assert frame.name.endswith("-at-00000600ms.png")
    window.close()
