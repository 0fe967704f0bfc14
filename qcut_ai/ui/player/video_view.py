"""The preview picture: a still (poster or image), the latest video frame, or a line of text.

`load_stills` reads the pictures for an item on a worker thread; `VideoView`
paints whichever picture is current, scaled to fit, on a dark ground so the
pane is never an empty black hole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from qcut_ai.core.media_kinds import MediaKind

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem

_LARGEST_IMAGE = QSize(1920, 1920)
_GROUND = QColor("#111318")
_INK = QColor("#c8ccd4")


class VideoFrameLike(Protocol):
    """What the view needs of a QVideoFrame (so it needs no QtMultimedia import)."""

    def toImage(self) -> QImage: ...


@dataclass(frozen=True)
class PreviewStills:
    """What the worker read for one item: its still picture, or that the file is missing."""

    generation: int
    missing: bool = False
    poster: QImage | None = None


def _read(path: str | None, limit: QSize | None = None) -> QImage | None:
    if not path or not Path(path).is_file():
        return None
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if limit is not None and size.isValid() and size.width() > limit.width():
        reader.setScaledSize(size.scaled(limit, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


def load_stills(item: MediaItem, generation: int) -> PreviewStills:
    """Read the picture for `item` (runs in a worker; QImage is safe off the GUI thread).

    An image is read at full size (up to 1920 px); a video or audio clip gets
    its poster or waveform thumbnail, shown until playback starts.
    """
    if item.missing or not Path(item.path).is_file():
        return PreviewStills(generation, missing=True)
    if item.kind is MediaKind.IMAGE:
        image = _read(item.path, _LARGEST_IMAGE) or _read(item.thumbnail)
        return PreviewStills(generation, poster=image)
    return PreviewStills(generation, poster=_read(item.thumbnail))


class VideoView(QWidget):
    """Paints one picture scaled to fit (keeping its shape), or a wrapped line of text.

    Video frames are turned into images only when painted: frames that arrive
    faster than the screen repaints are dropped for free.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewScreen")
        self.setAccessibleName("Preview picture")
        self.setMinimumSize(160, 90)
        # Ignored: the picture follows the layout and never pushes the pane wider.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.showing = "text"  # "text", "still" or "video"
        self._text = ""
        self._image: QImage | None = None
        self._frame: VideoFrameLike | None = None

    def text(self) -> str:
        """The line shown instead of a picture ("" while a picture is shown)."""
        return self._text

    def image(self) -> QImage | None:
        """The picture on screen, if any (a pending video frame is converted now)."""
        self._take_frame()
        return self._image

    def show_text(self, text: str) -> None:
        self._set("text", None, text)

    def show_still(self, image: QImage | None, text_if_none: str) -> None:
        """Show `image`; when there is none, say `text_if_none` instead."""
        if image is None or image.isNull():
            self.show_text(text_if_none)
        else:
            self._set("still", image, "")

    def show_frame(self, frame: VideoFrameLike) -> None:
        """Show a decoded video frame; it is converted at the next paint."""
        self.showing, self._text = "video", ""
        self._frame = frame
        self.setAccessibleDescription("")
        self.update()

    def _set(self, showing: str, image: QImage | None, text: str) -> None:
        self.showing, self._image, self._frame, self._text = showing, image, None, text
        self.setAccessibleDescription(text)
        self.update()

    def _take_frame(self) -> None:
        if self._frame is not None:
            image = self._frame.toImage()
            self._frame = None
            if not image.isNull():
                self._image = image

    def paintEvent(self, event: QPaintEvent) -> None:
        self._take_frame()
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), _GROUND)
            if self.showing != "text" and self._image is not None:
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                fitted = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
                target = QRect(0, 0, fitted.width(), fitted.height())
                target.moveCenter(self.rect().center())
                painter.drawImage(target, self._image)
            elif self._text:
                painter.setPen(_INK)
                flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
                painter.drawText(self.rect().adjusted(8, 8, -8, -8), int(flags), self._text)
        finally:
            painter.end()
