"""Media input slots: pick, drop from the file manager or the library, preview, checks."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from qcut_ai.core.catalog import Category, MediaRole, load_catalog
from qcut_ai.services.ffmpeg_tools import run_ffmpeg
from qcut_ai.ui.generate.media_inputs import MediaInputs
from qcut_ai.ui.generate.media_slot import MediaSlot
from qcut_ai.ui.mime import MEDIA_MIME, PAYLOAD_VERSION

CATALOG = load_catalog()


def _picture(path: Path, size: tuple[int, int]) -> Path:
    Image.new("RGB", size, (200, 90, 40)).save(path)
    return path


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("inputs")
    files = {
        "wide_png": _picture(d / "wide.png", (160, 90)),
        "wide_jpg": _picture(d / "wide.jpg", (320, 180)),
        "tall_png": _picture(d / "tall.png", (90, 160)),
        "square_jpg": _picture(d / "square.jpg", (64, 64)),
        "panorama_png": _picture(d / "panorama.png", (200, 100)),
    }
    broken = d / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n this is not really a picture")
    files["broken_png"] = broken
    notes = d / "notes.txt"
    notes.write_text("not media", encoding="utf-8")
    files["txt"] = notes
    tone = d / "voice.wav"
    with wave.open(str(tone), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 8000)  # 1 s of silence
    files["wav"] = tone
    clip = d / "clip.mp4"
    run_ffmpeg(
        [
            *("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
            str(clip),
        ]
    )
    files["mp4"] = clip
    return files


def _inputs(qtbot: QtBot, category: Category, *model_ids: str) -> MediaInputs:
    inputs = MediaInputs(category)
    qtbot.addWidget(inputs)
    inputs.set_specs([CATALOG.get(m) for m in model_ids])
    inputs.resize(400, 500)
    inputs.show()
    return inputs


def _read(qtbot: QtBot, inputs: MediaInputs, role: MediaRole, path: Path | str) -> None:
    inputs.set_input(role, str(path))
    qtbot.waitUntil(lambda: not inputs.pending(), timeout=10_000)


def _drop(slot: MediaSlot, mime: QMimeData) -> QDropEvent:
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    slot.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    slot.dropEvent(drop)
    return drop


def _library_mime(path: Path, kind: str) -> QMimeData:
    payload = {
        "version": PAYLOAD_VERSION,
        "items": [{"id": 7, "name": f"AI (Test): {path.stem}", "path": str(path), "kind": kind}],
    }
    mime = QMimeData()
    mime.setData(MEDIA_MIME, json.dumps(payload).encode("utf-8"))
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


def test_slots_follow_the_selected_models(qtbot: QtBot) -> None:
    inputs = _inputs(qtbot, Category.IMAGE_TO_VIDEO, "veo3.1-fast-i2v")
    assert inputs.roles() == [MediaRole.IMAGE]
    assert inputs.slots[MediaRole.IMAGE].isVisible()
    assert not inputs.slots[MediaRole.END_IMAGE].isVisible()
    inputs.set_specs([CATALOG.get("veo3.1-fast-i2v"), CATALOG.get("seedance-pro-i2v")])
    assert inputs.roles() == [MediaRole.IMAGE, MediaRole.END_IMAGE]
    assert "optional" in inputs.slots[MediaRole.END_IMAGE].title.text()
    assert "optional" not in inputs.slots[MediaRole.IMAGE].title.text()
    avatar = _inputs(qtbot, Category.AVATAR, "kling-avatar-pro")
    assert avatar.roles() == [MediaRole.IMAGE, MediaRole.AUDIO]
    upscale = _inputs(qtbot, Category.UPSCALE, "bytedance-upscaler")
    assert upscale.roles() == [MediaRole.VIDEO]
    assert "Source video" in upscale.slots[MediaRole.VIDEO].title.text()


def test_image_preview_is_read_off_the_gui_thread(qtbot: QtBot, media: dict[str, Path]) -> None:
    inputs = _inputs(qtbot, Category.IMAGE_TO_VIDEO, "veo3.1-fast-i2v")
    slot = inputs.slots[MediaRole.IMAGE]
    inputs.set_input("image", str(media["wide_jpg"]))
    assert slot.thumb.text() == "Reading…"  # returned before decoding
    qtbot.waitUntil(lambda: not inputs.pending(), timeout=10_000)
    assert not slot.thumb.pixmap().isNull()
    assert "wide.jpg" in slot.info.text() and "320x180" in slot.info.text()
    assert inputs.facts().image_size == (320, 180)
    assert inputs.paths() == {MediaRole.IMAGE: str(media["wide_jpg"])}
    assert inputs.problems() == {}
    qtbot.mouseClick(slot.clear_button, Qt.MouseButton.LeftButton)
    assert inputs.paths() == {} and inputs.facts().image_size is None


def test_drop_from_the_file_manager(qtbot: QtBot, media: dict[str, Path]) -> None:
    inputs = _inputs(qtbot, Category.IMAGE_TO_VIDEO, "veo3.1-fast-i2v")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(media["wide_png"]))])
    drop = _drop(inputs.slots[MediaRole.IMAGE], mime)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: inputs.facts().image_size == (160, 90), timeout=10_000)


def test_drop_from_the_library_checks_the_kind(qtbot: QtBot, media: dict[str, Path]) -> None:
    inputs = _inputs(qtbot, Category.FRAME_TO_VIDEO, "veo3.1-fast-flf")
    last = inputs.slots[MediaRole.END_IMAGE]
    refused = _drop(last, _library_mime(media["mp4"], "video"))
    assert not refused.isAccepted()
    assert "is video" in last.error_text() and inputs.paths() == {}
    _drop(last, _library_mime(media["wide_png"], "image"))
    qtbot.waitUntil(lambda: inputs.facts().end_image_size == (160, 90), timeout=10_000)
    assert inputs.paths() == {MediaRole.END_IMAGE: str(media["wide_png"])}


def test_choose_button_opens_a_file_dialog(qtbot: QtBot, media: dict[str, Path]) -> None:
    inputs = _inputs(qtbot, Category.IMAGE_TO_VIDEO, "veo3.1-fast-i2v")
    slot = inputs.slots[MediaRole.IMAGE]
    qtbot.mouseClick(slot.choose_button, Qt.MouseButton.LeftButton)
    dialog = slot.findChild(QFileDialog, "chooseDialog")
    assert dialog is not None and dialog.isVisible()
    assert "*.png" in slot.name_filter()
    dialog.selectFile(str(media["square_jpg"]))
    with qtbot.waitSignal(dialog.fileSelected):
        dialog.accept()
    qtbot.waitUntil(lambda: inputs.facts().image_size == (64, 64), timeout=10_000)


def test_wrong_type_and_unreadable_files_are_refused_beside_the_slot(
    qtbot: QtBot, media: dict[str, Path]
) -> None:
    inputs = _inputs(qtbot, Category.IMAGE_TO_VIDEO, "veo3.1-fast-i2v")
    slot = inputs.slots[MediaRole.IMAGE]
    inputs.set_input(MediaRole.IMAGE, str(media["txt"]))
    assert "not accepted" in slot.error_text() and "PNG" in slot.error_text()
    _read(qtbot, inputs, MediaRole.IMAGE, media["broken_png"])
    assert "not a readable image" in slot.error_text()
    assert MediaRole.IMAGE in inputs.problems()
    inputs.set_input(MediaRole.IMAGE, str(media["wide_png"].with_name("gone.png")))
    assert "not found" in slot.error_text().lower()


def test_picture_shape_must_suit_a_model_with_fixed_ratios(
    qtbot: QtBot, media: dict[str, Path]
) -> None:
    # Luma Ray 3.2 makes six fixed ratios; Veo 3.1 Fast (image) follows the picture.
    inputs = _inputs(qtbot, Category.IMAGE_TO_VIDEO, "luma-ray-3.2-i2v")
    _read(qtbot, inputs, MediaRole.IMAGE, media["panorama_png"])
    problem = inputs.slots[MediaRole.IMAGE].error_text()
    assert "Luma Ray 3.2" in problem and "16:9" in problem and "200x100" in problem
    inputs.set_specs([CATALOG.get("veo3.1-fast-i2v")])
    assert inputs.problems() == {}
    _read(qtbot, inputs, MediaRole.IMAGE, media["wide_jpg"])
    inputs.set_specs([CATALOG.get("luma-ray-3.2-i2v")])
    assert inputs.problems() == {}


def test_first_and_last_frames_must_have_the_same_shape(
    qtbot: QtBot, media: dict[str, Path]
) -> None:
    inputs = _inputs(qtbot, Category.FRAME_TO_VIDEO, "veo3.1-fast-flf")
    _read(qtbot, inputs, MediaRole.IMAGE, media["wide_png"])
    _read(qtbot, inputs, MediaRole.END_IMAGE, media["tall_png"])
    problem = inputs.slots[MediaRole.END_IMAGE].error_text()
    assert "9:16 (90x160)" in problem and "16:9 (160x90)" in problem
    assert set(inputs.problems()) == {MediaRole.END_IMAGE}
    _read(qtbot, inputs, MediaRole.END_IMAGE, media["wide_jpg"])  # same shape, larger
    assert inputs.problems() == {}


def test_audio_and_video_show_their_length(qtbot: QtBot, media: dict[str, Path]) -> None:
    avatar = _inputs(qtbot, Category.AVATAR, "kling-avatar-pro")
    _read(qtbot, avatar, MediaRole.AUDIO, media["wav"])
    assert "1.0 s" in avatar.slots[MediaRole.AUDIO].info.text()
    assert avatar.facts().media_seconds == pytest.approx(1.0, abs=0.05)

    upscale = _inputs(qtbot, Category.UPSCALE, "bytedance-upscaler")
    _read(qtbot, upscale, MediaRole.VIDEO, media["mp4"])
    slot = upscale.slots[MediaRole.VIDEO]
    assert "160x90" in slot.info.text() and "1.0 s" in slot.info.text()
    assert not slot.thumb.pixmap().isNull()
    source = upscale.facts().source_video
    assert source is not None and source[:2] == (160, 90) and source[2] == pytest.approx(25)


def test_a_picture_on_the_video_slot_is_refused(qtbot: QtBot, media: dict[str, Path]) -> None:
    upscale = _inputs(qtbot, Category.UPSCALE, "bytedance-upscaler")
    upscale.set_input(MediaRole.VIDEO, str(media["wide_png"]))
    assert "not accepted" in upscale.slots[MediaRole.VIDEO].error_text()
    assert upscale.pending() == []
