"""`qcut-ai` with no sub-command: the app window (or `--screenshot PATH`)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcut_ai.jobs.tasks import Runners


def _needs_offscreen() -> bool:
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def build_window(args: argparse.Namespace, runners: Runners | None = None) -> object:
    """Compose settings, key, connection, panel and window (on `runners` when given)."""
    from qcut_ai.app.context import AppContext
    from qcut_ai.app.mode_banner import show_mode
    from qcut_ai.app.shell import MainWindow
    from qcut_ai.jobs.tasks import Runners
    from qcut_ai.ui.media_panel import MediaPanel, PanelServices

    context = AppContext(force_offline=bool(getattr(args, "offline", False)))
    services = PanelServices(
        settings=context.settings,
        thumbnails_dir=context.dirs.thumbnails,
        connect=context.connect,
        runners=runners or Runners.standard(),
    )
    panel = MediaPanel(services)
    show_mode(panel, context)  # reads the keyring: in a worker
    project = (
        getattr(args, "project", None)
        or context.settings.project_dir
        or str(context.dirs.default_project)
    )
    panel.open_project(project)
    remember = not getattr(args, "screenshot", None)
    window = MainWindow(panel, context, remember_layout=remember)
    size = getattr(args, "size", None)
    if size:
        window.resize(*size)
    dock_width = getattr(args, "dock_width", None)
    if dock_width:
        window.set_dock_width(dock_width)
    return window


def run_app(args: argparse.Namespace) -> int:
    screenshot = getattr(args, "screenshot", None)
    if screenshot and _needs_offscreen():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qcut_ai.app.preload import preload_qt_free

    preload_qt_free()  # before PySide6: it reads the source of each module imported after it
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from qcut_ai.app.first_paint import FirstPaintGate
    from qcut_ai.app.native_logs import route_native_logs
    from qcut_ai.app.theme import apply_dark_theme
    from qcut_ai.jobs.tasks import Runners
    from qcut_ai.ui.main_thread_gc import MainThreadCollector

    if screenshot and not getattr(args, "project", None):
        # Real clips, made once through the offline preview pipeline, for the picture.
        from qcut_ai.app.sample import sample_project
        from qcut_ai.core.app_dirs import app_dirs

        args.project = str(sample_project(app_dirs().ensure()))
        args.offline = True
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    route_native_logs()  # Qt's media diagnostics go to the log, not the terminal
    MainThreadCollector(app).start()  # Qt objects are only ever freed on this thread
    app.setApplicationName("qcut-ai")
    apply_dark_theme(app)
    runners = Runners.standard()
    gate = FirstPaintGate(runners)  # the workers start once the window has painted
    window = build_window(args, runners)
    # The generator on screen is built right after the first paint; then the workers start.
    gate.release_after(window.panel.tabs.tab_built)  # type: ignore[attr-defined]
    window.show()  # type: ignore[attr-defined]
    if not screenshot:
        # After the first paint: the daily look at fal's catalogue (only with a key).
        QTimer.singleShot(2000, window.panel.check_catalog)  # type: ignore[attr-defined]
    if screenshot:

        def select_first() -> None:
            panel = window.panel  # type: ignore[attr-defined]
            if panel.model.rowCount():
                panel.view.setCurrentIndex(panel.model.index(0, 0))

        def grab() -> None:
            window.grab().save(screenshot)  # type: ignore[attr-defined]
            window.quit_guard.ask = lambda *_: True  # type: ignore[attr-defined]  # unattended
            window.close()  # type: ignore[attr-defined]
            app.quit()

        QTimer.singleShot(900, select_first)
        QTimer.singleShot(1800, grab)
    code = app.exec()
    gate.release()  # nothing stays held if the loop ended before the first paint
    return code
