"""The demo host window: the media panel docked beside a simple timeline."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QScrollArea

from qcut_ai.app.context import AppContext
from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.errors import QcutError
from qcut_ai.core.settings import Settings
from qcut_ai.ui.media_panel import MediaPanel
from qcut_ai.ui.quit_guard import QuitGuard
from qcut_ai.ui.settings_dialog import SettingsDialog
from qcut_ai.ui.timeline import TimelineWidget


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
        self.resize(1440, 900)
        self.resizeDocks([dock], [820], Qt.Orientation.Horizontal)
        # Layout lives with the other settings (QCUT_AI_HOME moves it too).
        ini = app_dirs().config / "window.ini"
        self._settings = QSettings(str(ini), QSettings.Format.IniFormat)
        self._build_menus()
        # A screenshot shows the default layout, and leaves the user's alone.
        self.remember_layout = remember_layout
        geometry = self._settings.value("window/geometry") if remember_layout else None
        if geometry is not None:
            self.restoreGeometry(geometry)
            self.restoreState(self._settings.value("window/state"))

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = file_menu.addAction("Open project…", self.choose_project)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
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
        settings = self.context.settings.model_copy(update={"project_dir": folder})
        self._save_settings(settings)

    def open_settings(self) -> SettingsDialog:
        """Non-modal: the panel keeps working while the dialog is open."""
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
            self.context.store.save(settings)
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
        def show_mode() -> None:
            self.panel.set_mode_text(self.context.mode_text())

        if not self.panel.reset_connection(show_mode):
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
        self.panel.shutdown()
        super().closeEvent(event)
