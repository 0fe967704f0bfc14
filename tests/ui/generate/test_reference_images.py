"""Reference images dragged from the library onto a reference-to-video tab."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from qcut_ai.core.catalog import Category
from qcut_ai.core.media import MediaItem, MediaKind, Origin, ProbeInfo
from qcut_ai.ui.generate.tab import GenerateTab
from qcut_ai.ui.mime import encode_items


def _item(n: int, path: Path, kind: MediaKind) -> MediaItem:
    if kind is MediaKind.IMAGE:
        Image.new("RGB", (480, 480), (n * 20 % 256, 90, 160)).save(path)
    return MediaItem(
        id=n,
        name=path.name,
        path=str(path),
        kind=kind,
        origin=Origin.IMPORTED,
        created_at="2026-12-01T10:00:00+00:00",
        probe=ProbeInfo(kind=kind, width=640, height=640),
    )


def _drop(tab: GenerateTab, items: list[MediaItem]) -> None:
    slot = tab.inputs.references
    mime = encode_items(items)  # kept alive: the event does not own it
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    slot.dropEvent(event)


def test_library_images_dropped_become_references_and_a_clip_is_left_out(
    qtbot: QtBot, tmp_path: Path
) -> None:
    tab = GenerateTab(Category.REFERENCE_TO_VIDEO)
    qtbot.addWidget(tab)
    tab.picker.select_ids(["happy-horse-1.1-ref"])
    slot = tab.inputs.references
    assert not slot.isHidden() and "up to 9" in slot.title.text()
    stills = [_item(n, tmp_path / f"face{n}.png", MediaKind.IMAGE) for n in range(3)]
    clip = _item(9, tmp_path / "walk.mp4", MediaKind.VIDEO)

    _drop(tab, [*stills[:2], clip])
    assert slot.paths() == [stills[0].path, stills[1].path]
    assert slot.error_text() == "Only images can be references; the other items were left out."
    assert tab.current_request().reference_images == slot.paths()

    many = [_item(10 + n, tmp_path / f"pose{n}.png", MediaKind.IMAGE) for n in range(8)]
    _drop(tab, many)  # 2 + 8 is over Happy Horse's 9
    assert slot.error_text() == (
        "Happy Horse 1.1 (reference) takes at most 9 reference images, not 10."
    )
    assert slot.paths() == [stills[0].path, stills[1].path]

    # The title says what the selected models need: Veo requires references, Kling
    # sets no limit; the images chosen stay through a change of model.
    tab.picker.select_ids(["veo3.1-ref"])
    assert "(optional)" not in slot.title.text()
    tab.picker.select_ids(["kling-o3-pro-ref"])
    assert "any number" in slot.title.text() and "(optional)" in slot.title.text()
    assert tab.current_request().reference_images == [stills[0].path, stills[1].path]


def test_an_unreadable_reference_image_is_named_beside_the_references(
    qtbot: QtBot, tmp_path: Path
) -> None:
    tab = GenerateTab(Category.REFERENCE_TO_VIDEO)
    qtbot.addWidget(tab)
    tab.picker.select_ids(["happy-horse-1.1-ref"])
    good = _item(1, tmp_path / "face.png", MediaKind.IMAGE)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"this is not a picture")
    assert tab.set_reference_images([good.path, str(broken)])
    qtbot.waitUntil(lambda: not tab.inputs.pending(), timeout=10_000)
    refusal = tab.inputs.references.error_text()
    assert refusal.startswith("broken.png is not a readable image") and refusal.endswith(".")
    tab.request_generate()
    assert tab.error_label.text() == refusal  # nothing is sent
    assert tab.inputs.references.paths() == [good.path, str(broken)]  # nothing is lost
