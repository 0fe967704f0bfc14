"""The demo host window: the media panel docked beside a simple timeline."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea

from qcut_ai.services.paths import app_dirs
from qcut_ai.ui.media_panel import MediaPanel
from qcut_ai.ui.timeline import TimelineWidget


class MainWindow(QMainWindow):
    """Hosts a MediaPanel the way an editor would, and remembers its layout."""

    def __init__(self, panel: MediaPanel) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("qcut-ai")
        self.panel = panel
        self.timeline = TimelineWidget(tracks=3)
        scroll = QScrollArea(self)
        scroll.setWidget(self.timeline)
        scroll.setWidgetResizable(True)
        self.setCentralWidget(scroll)
        dock = QDockWidget("AI Media", self)
        dock.setObjectName("mediaDock")
        dock.setWidget(panel)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.resize(1280, 800)
        self.resizeDocks([dock], [560], Qt.Orientation.Horizontal)
        # Layout lives with the other settings (QCUT_AI_HOME moves it too).
        ini = app_dirs().config / "window.ini"
        self._settings = QSettings(str(ini), QSettings.Format.IniFormat)
        geometry = self._settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            self.restoreState(self._settings.value("window/state"))

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/state", self.saveState())
        self.panel.shutdown()
        super().closeEvent(event)
