"""The demo host window: the media panel docked beside a simple timeline."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QScrollArea

from qcut_ai.app.context import AppContext
from qcut_ai.app.mode_banner import show_mode
from qcut_ai.app.timeline_files import TimelineFiles
from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.errors import QcutError
from qcut_ai.core.settings import Settings
from qcut_ai.ui.media_panel import MediaPanel
from qcut_ai.ui.quit_guard import QuitGuard
from qcut_ai.ui.timeline import TimelineWidget

if TYPE_CHECKING:
    from qcut_ai.ui.settings_dialog import SettingsDialog

# The panel's share of the window's width when nobody has dragged the dock yet.
DOCK_SHARE = 0.58
PREFERRED = QSize(1440, 900)


def fitting_size(available: QSize) -> QSize:
    """The window's first size: the preferred one, shrunk to the screen it opens on."""
    return PREFERRED.boundedTo(available) if available.isValid() else PREFERRED


class MainWindow(QMainWindow):
    """Hosts a MediaPanel the way an editor would, and remembers its layout.

    Signals: diagnostics_copied(str)
    """

    diagnostics_copied = Signal(str)

    def __init__(
        self, panel: MediaPanel, context: AppContext | None = None, *, remember_layout: bool = True
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("qcut-ai")
        self.panel = panel
        self.quit_guard = QuitGuard(panel.generation.model)
        self.context = context or AppContext()
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
        self.dock = dock
        self.dock_share = DOCK_SHARE
        self._sized_width = 0
        dock.installEventFilter(self)
        # Layout lives with the other settings (QCUT_AI_HOME moves it too).
        ini = app_dirs().config / "window.ini"
        self._settings = QSettings(str(ini), QSettings.Format.IniFormat)
        self.timeline_files = TimelineFiles(self, panel, self.timeline)
        self.timeline_files.said.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self._build_menus()
        # A screenshot shows the default layout, and leaves the user's alone.
        self.remember_layout = remember_layout
        self.resize(fitting_size(self.screen().availableGeometry().size()))
        if remember_layout:
            self._restore_layout()

    def _restore_layout(self) -> None:
        geometry = self._settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            self.restoreState(self._settings.value("window/state"))
        share = self._settings.value("window/dockShare")
        with contextlib.suppress(TypeError, ValueError):
            self.dock_share = min(0.9, max(0.15, float(share)))
        panel_state = self._settings.value("panel/layout")
        if isinstance(panel_state, str):
            with contextlib.suppress(ValueError):
                state = json.loads(panel_state)
                if isinstance(state, dict):
                    self.panel.restore_layout_state(state)

    def set_dock_width(self, width: int) -> None:
        """Dock the panel at `width` px (as the user's drag does); that share of the
        window's width is kept when the window is resized."""
        self.dock_share = width / max(1, self.width())
        self.resizeDocks([self.dock], [width], Qt.Orientation.Horizontal)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A wider window widens the panel too (by the share the user gave it), rather
        than handing every new pixel to the timeline."""
        super().resizeEvent(event)
        self._sized_width = event.size().width()
        if not self.dock.isFloating():
            width = round(self.dock_share * event.size().width())
            self.resizeDocks([self.dock], [width], Qt.Orientation.Horizontal)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The dock resized while the window kept its width: the user dragged the divider.
        if (
            watched is self.dock
            and event.type() == QEvent.Type.Resize
            and self.isVisible()
            and not self.dock.isFloating()
            and self.width() == self._sized_width
        ):
            self.dock_share = self.dock.width() / max(1, self.width())
        return super().eventFilter(watched, event)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = file_menu.addAction("Open project…", self.choose_project)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        file_menu.addSeparator()
        export_action = file_menu.addAction(
            "Export timeline…", lambda: self.timeline_files.export()
        )
        export_action.setShortcut(QKeySequence("Ctrl+E"))
        export_action.setObjectName("exportTimelineAction")
        import_action = file_menu.addAction(
            "Import timeline…", lambda: self.timeline_files.import_()
        )
        import_action.setShortcut(QKeySequence("Ctrl+I"))
        import_action.setObjectName("importTimelineAction")
        file_menu.addSeparator()
        settings_action = file_menu.addAction("Settings…", self.open_settings)
        settings_action.setShortcut(QKeySequence("Ctrl+,"))
        settings_action.setObjectName("settingsAction")
        file_menu.addSeparator()
        quit_action = file_menu.addAction("Quit", self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.file_menu = file_menu
        help_menu = self.menuBar().addMenu("&Help")
        diagnostics = help_menu.addAction("Copy diagnostics", self.copy_diagnostics)
        diagnostics.setObjectName("copyDiagnosticsAction")
        self.help_menu = help_menu

    def copy_diagnostics(self) -> None:
        """Versions, redacted settings and recent log lines to the clipboard, read in a worker
        (the keyring can be slow to answer)."""

        settings = self.context.settings

        def gather(_abort: object, _progress: object) -> str:
            from qcut_ai.services.diagnostics import gather_diagnostics

            return gather_diagnostics(settings)

        self.panel.services.runners.database.start(
            gather,
            self._diagnostics_ready,
            self.panel.error_reported.emit,
            receiver=self,
            name="gather diagnostics",
        )

    def _diagnostics_ready(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage(
            "Diagnostics copied to the clipboard (the key is never included).", 8000
        )
        self.diagnostics_copied.emit(text)

    def choose_project(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open project folder")
        if folder:
            self.open_project(folder)

    def open_project(self, folder: str) -> None:
        self.panel.open_project(folder)
        settings = self.context.settings.replace(project_dir=folder)
        self._save_settings(settings)

    def open_settings(self) -> SettingsDialog:
        """Non-modal: the panel keeps working while the dialog is open."""
        from qcut_ai.ui.settings_dialog import SettingsDialog  # not needed for the first paint

        dialog = SettingsDialog(
            self.context.settings,
            self.context.store,
            self.context.keys,
            self,
            runner=self.panel.services.runners.database,
            forced_offline=self.context.force_offline,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settings_changed.connect(self._on_settings_changed)
        dialog.key_changed.connect(self._on_key_changed)
        dialog.open()
        return dialog

    def _save_settings(self, settings: Settings) -> None:
        try:
            settings = self.context.store.save_changes(self.context.settings, settings)
        except QcutError as exc:
            self.panel.error_reported.emit(exc.user_text())
        self.context.settings = settings
        self.panel.apply_settings(settings)

    def _on_settings_changed(self, settings: Settings) -> None:
        previous = self.context.settings
        self.context.settings = settings
        self.panel.apply_settings(settings)
        if settings.project_dir and settings.project_dir != previous.project_dir:
            self.panel.open_project(settings.project_dir)
        if settings.offline_preview != previous.offline_preview:
            self._on_key_changed()

    def _on_key_changed(self) -> None:
        if not self.panel.reset_connection(lambda: show_mode(self.panel, self.context)):
            self.panel.error_reported.emit(
                "The new key or mode applies as soon as the running jobs finish."
            )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.quit_guard.allows_quit(self):
            event.ignore()
            return
        if self.remember_layout:
            self._settings.setValue("window/geometry", self.saveGeometry())
            self._settings.setValue("window/state", self.saveState())
            if self.width():
                self._settings.setValue("window/dockShare", self.dock.width() / self.width())
            self._settings.setValue("panel/layout", json.dumps(self.panel.layout_state()))
        self.panel.shutdown()
        super().closeEvent(event)
