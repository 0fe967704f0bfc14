"""PreviewPlayer: the selected clip's picture, name and duration, with a frame preview.

PySide6-Essentials ships no QtMultimedia, so playback steps through the
clip's filmstrip (ten evenly spaced frames made at ingest) over the clip's
real duration. Images show at full size; audio shows its waveform. Frames
are read from disk in a worker; the GUI thread only turns them into pixmaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QHideEvent, QImage, QImageReader, QKeyEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.media import MediaItem, MediaKind
from qcut_ai.jobs.runnables import FunctionRunnable, start_task
from qcut_ai.library.thumbnails import STRIP_FRAME_WIDTH

# The shortest step between frames, so a long strip of a short clip stays watchable.
_MIN_STEP_MS = 80
_LARGEST_IMAGE = QSize(1920, 1920)


@dataclass(frozen=True)
class PreviewFrames:
    """What the worker read for one item: still picture, strip frames, or a missing file."""

    generation: int
    missing: bool = False
    poster: QImage | None = None
    frames: list[QImage] = field(default_factory=list)
    problem: str = ""


def clock(seconds: float | None) -> str:
    """`m:ss`, or an em dash when the duration is unknown."""
    if seconds is None:
        return "—"
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _read(path: str | None, limit: QSize | None = None) -> QImage | None:
    if not path or not Path(path).is_file():
        return None
    reader = QImageReader(path)
    size = reader.size()
    if limit is not None and size.isValid() and (size.width() > limit.width()):
        reader.setScaledSize(size.scaled(limit, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


def load_frames(item: MediaItem, generation: int) -> PreviewFrames:
    """Read the pictures for `item` (runs in a worker; QImage is safe off the GUI thread)."""
    if item.missing or not Path(item.path).is_file():
        return PreviewFrames(generation, missing=True)
    if item.kind is MediaKind.IMAGE:
        poster = _read(item.path, _LARGEST_IMAGE) or _read(item.thumbnail)
        return PreviewFrames(generation, poster=poster)
    poster = _read(item.thumbnail)
    strip = _read(item.filmstrip) if item.kind is MediaKind.VIDEO else None
    frames: list[QImage] = []
    if strip is not None:
        count = max(1, round(strip.width() / STRIP_FRAME_WIDTH))
        width = strip.width() // count
        frames = [strip.copy(i * width, 0, width, strip.height()) for i in range(count)]
    problem = "" if poster or frames else "No preview picture has been made for this item yet."
    first = frames[0] if frames else None
    return PreviewFrames(generation, poster=poster or first, frames=frames, problem=problem)


class PreviewPlayer(QWidget):
    """Previews one library item. Space plays or pauses; `stop()` returns to the poster.

    Signals:
        state_changed(str): "empty", "loading", "ready", "playing", "missing" or "error"
    """

    state_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPlayer")
        self.setAccessibleName("Clip preview")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.item: MediaItem | None = None
        self.state = "empty"
        self._generation = 0
        self._tasks: set[FunctionRunnable] = set()
        self._poster: QPixmap | None = None
        self._frames: list[QPixmap] = []
        self._index = 0
        self._shown: QPixmap | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._advance)

        self.title = QLabel(self)
        self.title.setObjectName("previewTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.picture = QLabel(self)
        self.picture.setObjectName("previewScreen")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(160, 90)
        # Ignored: the scaled pixmap must follow the layout, never push it wider.
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setStyleSheet("background: #111318; color: #c8ccd4;")
        self.picture.setWordWrap(True)
        self.play_button = self._button("Play", "previewPlay", self.toggle_play)
        self.stop_button = self._button("Stop", "previewStop", self.stop)
        self.position = QLabel(self)
        self.position.setObjectName("previewPosition")
        self.notice = QLabel("Frame preview: this Qt build has no video playback.", self)
        self.notice.setObjectName("previewNotice")
        self.notice.setWordWrap(True)
        self.notice.setEnabled(False)  # drawn dimmed: a note, not a control

        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.stop_button)
        controls.addWidget(self.position, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.picture, 1)
        layout.addLayout(controls)
        layout.addWidget(self.notice)
        self.show_item(None)

    def _button(self, text: str, name: str, slot: object) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setObjectName(name)
        # Space belongs to the player, not to whichever button last had focus.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    # -- public API ------------------------------------------------------------------
    def show_item(self, item: MediaItem | None) -> None:
        """Show `item` (None clears the player). Its pictures load in a worker."""
        self._timer.stop()
        self._generation += 1
        self.item = item
        self._poster, self._frames, self._index = None, [], 0
        self._update_position()
        if item is None:
            self.title.setText("")
            self.picture.setText("Select a clip to preview it.")
            self._set_state("empty")
            return
        self.title.setText(item.display_name)
        self.title.setToolTip(item.path)
        if item.missing:
            self._show_missing()
            return
        self.picture.setText("Loading…")
        self._set_state("loading")
        generation = self._generation

        def work(_emit: object, _abort: object) -> PreviewFrames:
            return load_frames(item, generation)

        start_task(
            QThreadPool.globalInstance(), work, self._on_loaded, self._on_failed, self._tasks
        )

    def toggle_play(self) -> None:
        """Play from the current frame, or pause where it is."""
        if self.state == "playing":
            self._timer.stop()
            self._set_state("ready")
        elif self.state == "ready" and len(self._frames) > 1:
            if self._index >= len(self._frames) - 1:
                self._index = 0
            self._show_frame()  # the poster gives way to the frame being played
            self._timer.start(self._step_ms())
            self._set_state("playing")

    def stop(self) -> None:
        """Stop and go back to the start: the poster is shown again."""
        self._timer.stop()
        self._index = 0
        if self.state in ("playing", "ready") and self._poster is not None:
            self._show_pixmap(self._poster)
            self._set_state("ready")

    @property
    def frame_index(self) -> int:
        return self._index

    @property
    def frame_count(self) -> int:
        return len(self._frames)

    # -- loading ------------------------------------------------------------------------
    def _on_loaded(self, result: PreviewFrames) -> None:
        if result.generation != self._generation:
            return  # the selection moved on while this item loaded
        if result.missing:
            self._show_missing()
            return
        self._poster = QPixmap.fromImage(result.poster) if result.poster is not None else None
        self._frames = [QPixmap.fromImage(image) for image in result.frames]
        self._show_pixmap(self._poster)
        if self._poster is None:
            self.picture.setText(result.problem)
        self._set_state("ready")

    def _on_failed(self, message: str) -> None:
        self._show_pixmap(None)
        self.picture.setText(f"No preview: {message}")
        self._set_state("error")

    def _show_missing(self) -> None:
        assert self.item is not None
        self._show_pixmap(None)
        self.picture.setText(
            f"File missing: {self.item.path} was moved or deleted. Relink it from the library."
        )
        self._set_state("missing")

    # -- playing --------------------------------------------------------------------------
    def _step_ms(self) -> int:
        duration = self.item.duration if self.item is not None else None
        if not duration or not self._frames:
            return 250
        return max(_MIN_STEP_MS, round(duration * 1000 / len(self._frames)))

    def _advance(self) -> None:
        if self._index >= len(self._frames) - 1:
            self._timer.stop()
            self._set_state("ready")
            return
        self._index += 1
        self._show_frame()

    def _show_frame(self) -> None:
        if self._frames:
            self._show_pixmap(self._frames[self._index])

    # -- drawing ----------------------------------------------------------------------------
    def _show_pixmap(self, pixmap: QPixmap | None) -> None:
        """Show `pixmap` scaled to the screen; None clears it (callers then set a text)."""
        self._shown = pixmap
        if pixmap is None:
            self.picture.clear()
        else:
            self.picture.setPixmap(
                pixmap.scaled(
                    self.picture.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        self._update_position()

    def _update_position(self) -> None:
        duration = self.item.duration if self.item is not None else None
        if self.item is None:
            self.position.setText("")
            return
        at = duration * self._index / len(self._frames) if duration and self._frames else 0.0
        self.position.setText(f"{clock(at)} / {clock(duration)}")

    def _set_state(self, state: str) -> None:
        playable = state in ("ready", "playing") and len(self._frames) > 1
        self.play_button.setEnabled(playable)
        self.stop_button.setEnabled(playable)
        self.play_button.setText("Pause" if state == "playing" else "Play")
        self.notice.setVisible(self.item is not None and self.item.kind is MediaKind.VIDEO)
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    # -- events ---------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.toggle_play()
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._shown is not None:
            self._show_pixmap(self._shown)

    def hideEvent(self, event: QHideEvent) -> None:
        # A hidden player must not keep a timer running.
        if self.state == "playing":
            self.toggle_play()
        super().hideEvent(event)
