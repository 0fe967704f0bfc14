"""A compare cell's picture is made at the cell's size with the colours Qt would show,
whatever the frame's line padding; frames it cannot read are still shown (through Qt)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtMultimedia import QtVideo, QVideoFrame, QVideoFrameFormat
from pytestqt.qtbot import QtBot

from qcut_ai.ui.compare.frame_scaler import FrameScaler

_PF = QVideoFrameFormat.PixelFormat
# BT.601, limited range: (Y, U, V) of pure red and pure blue.
_RED = (81, 90, 240)
_BLUE = (41, 240, 110)


def _split_frame(width: int, height: int) -> QVideoFrame:
    """A YUV 4:2:0 frame, red in its left half and blue in its right."""
    fmt = QVideoFrameFormat(QSize(width, height), _PF.Format_YUV420P)
    fmt.setColorSpace(QVideoFrameFormat.ColorSpace.ColorSpace_BT601)
    fmt.setColorRange(QVideoFrameFormat.ColorRange.ColorRange_Video)
    frame = QVideoFrame(fmt)
    assert frame.map(QVideoFrame.MapMode.WriteOnly)
    chroma = (width // 2, height // 2)
    for plane, (w, h) in enumerate([(width, height), chroma, chroma]):
        stride = frame.bytesPerLine(plane)
        row = bytes([_RED[plane]] * (w // 2) + [_BLUE[plane]] * (w - w // 2))
        row += bytes(stride - w)
        frame.bits(plane)[: stride * h] = row * h
    frame.unmap()
    return frame


def _is(color: QColor, red: int, blue: int) -> bool:
    return abs(color.red() - red) < 24 and color.green() < 24 and abs(color.blue() - blue) < 24


def _picture(frame: QVideoFrame, box: QSize) -> QImage:
    picture = FrameScaler().picture(frame, box)
    assert picture is not None
    return picture.toImage()


def test_a_1080p_frame_is_painted_at_the_cell_size_in_the_colours_qt_shows(
    qtbot: QtBot,
) -> None:
    frame = _split_frame(1920, 1080)
    image = _picture(frame, QSize(480, 300))
    assert image.size() == QSize(480, 270)  # fits the cell, keeps 16:9
    assert _is(image.pixelColor(100, 135), 255, 0) and _is(image.pixelColor(380, 135), 0, 255)
    qt = frame.toImage().scaled(480, 270)
    for x in (100, 380):
        ours, theirs = image.pixelColor(x, 135), qt.pixelColor(x, 135)
        assert abs(ours.red() - theirs.red()) < 8 and abs(ours.blue() - theirs.blue()) < 8


def test_a_frame_whose_lines_are_padded_differently_shows_no_stray_columns(
    qtbot: QtBot,
) -> None:
    # 72 px wide: Qt pads its colour lines to 40 bytes where FFmpeg uses 48.
    frame = _split_frame(72, 40)
    image = _picture(frame, QSize(400, 400))
    assert image.size() == QSize(72, 40)  # a small clip is not blown up
    assert _is(image.pixelColor(1, 20), 255, 0)
    assert _is(image.pixelColor(70, 20), 0, 255)  # the right edge is blue, not padding


def test_a_rotated_frame_looks_as_it_does_in_the_preview_pane(qtbot: QtBot) -> None:
    frame = _split_frame(160, 90)
    frame.setRotation(QtVideo.Rotation.Clockwise90)
    image = _picture(frame, QSize(320, 320))
    # The preview pane paints QVideoFrame.toImage fitted to its size.
    assert image == frame.toImage().scaled(
        QSize(320, 320),
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def test_an_rgb_frame_keeps_its_colour_and_a_grey_one_is_shown_through_qt(
    qtbot: QtBot,
) -> None:
    red = QImage(64, 36, QImage.Format.Format_ARGB32)
    red.fill(QColor(255, 0, 0))
    frame = QVideoFrame(red)
    assert frame.pixelFormat() == _PF.Format_BGRA8888
    image = _picture(frame, QSize(32, 32))
    assert image.size() == QSize(32, 18)
    assert _is(image.pixelColor(16, 9), 255, 0)
    grey = QImage(64, 36, QImage.Format.Format_Grayscale8)
    grey.fill(QColor(200, 200, 200))
    frame = QVideoFrame(grey)
    assert frame.pixelFormat() == _PF.Format_Y8  # no swscale road for it here
    image = _picture(frame, QSize(32, 32))
    assert image.size() == QSize(32, 18)
    assert abs(image.pixelColor(16, 9).green() - 200) < 8
