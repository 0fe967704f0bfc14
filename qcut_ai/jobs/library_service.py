"""Qt facade over the library: queries and thumbnail decoding run in workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QSize, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader

from qcut_ai.core.media import MediaItem
from qcut_ai.services.paths import ProjectPaths


class _Signals(QObject):
    loaded = Signal(int, object)  # generation, list[MediaItem]
    image = Signal(str, QImage)  # path, decoded thumbnail
    failed = Signal(str)


class _Query(QRunnable):
    def __init__(self, project: ProjectPaths, text: str, generation: int, signals: _Signals):
        super().__init__()
        self.project, self.text, self.generation, self.signals = project, text, generation, signals

    def run(self) -> None:
        from qcut_ai.core.errors import QcutError
        from qcut_ai.library.db import open_project_db
        from qcut_ai.library.repository import MediaRepository

        try:
            db = open_project_db(self.project)
            try:
                repo = MediaRepository(db, self.project.root)
                items: list[MediaItem] = (
                    repo.search(self.text, limit=500)
                    if self.text.strip()
                    else repo.list_recent(limit=500)
                )
            finally:
                db.close()
        except QcutError as exc:
            self.signals.failed.emit(exc.user_text())
            return
        self.signals.loaded.emit(self.generation, items)


class _Decode(QRunnable):
    def __init__(self, path: str, size: QSize, signals: _Signals):
        super().__init__()
        self.path, self.size, self.signals = path, size, signals

    def run(self) -> None:
        reader = QImageReader(self.path)
        original = reader.size()
        if original.isValid():
            # Decoding at the shown size is ~2x cheaper than decode-then-scale.
            reader.setScaledSize(original.scaled(self.size, _keep_aspect()))
        image = reader.read()
        if not image.isNull():
            self.signals.image.emit(self.path, image)


def _keep_aspect() -> Any:
    from PySide6.QtCore import Qt

    return Qt.AspectRatioMode.KeepAspectRatio


class LibraryService(QObject):
    """Loads library pages and thumbnails off the GUI thread.

    Signals:
        items_loaded(object): list[MediaItem] for the latest query (stale answers dropped)
        thumbnail_ready(str, QImage): a decoded thumbnail for a path
        failed(str): a one-sentence error
    """

    items_loaded = Signal(object)
    thumbnail_ready = Signal(str, QImage)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self.project: ProjectPaths | None = None
        self._generation = 0
        self._signals = _Signals()
        self._signals.loaded.connect(self._on_loaded)
        self._signals.image.connect(self.thumbnail_ready)
        self._signals.failed.connect(self.failed)
        self._requested: set[str] = set()

    def open(self, project: ProjectPaths) -> None:
        self.project = project
        self._requested.clear()
        self.refresh()

    def refresh(self, text: str = "") -> None:
        if self.project is None:
            return
        self._generation += 1
        self.pool.start(_Query(self.project, text, self._generation, self._signals))

    def _on_loaded(self, generation: int, items: list[MediaItem]) -> None:
        if generation == self._generation:
            self.items_loaded.emit(items)

    def request_thumbnail(self, path: str, size: QSize) -> None:
        if path in self._requested or not Path(path).is_file():
            return
        self._requested.add(path)
        self.pool.start(_Decode(path, size, self._signals))

    def shutdown(self) -> None:
        self.pool.clear()
        self.pool.waitForDone(5000)
