"""`qcut-ai` with no sub-command: the app window (or `--screenshot PATH`)."""

from __future__ import annotations

import argparse
import os
import sys

from qcut_ai.core.errors import QcutError


def _needs_offscreen() -> bool:
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def build_window(args: argparse.Namespace) -> object:
    """Compose settings, key, connection, panel and window."""
    from qcut_ai.app.shell import MainWindow
    from qcut_ai.engine.connection import connect
    from qcut_ai.services.paths import app_dirs
    from qcut_ai.services.secrets import resolve_key
    from qcut_ai.services.settings import SettingsStore
    from qcut_ai.ui.media_panel import MediaPanel, PanelServices

    dirs = app_dirs().ensure()
    settings = SettingsStore().load()
    key_problem = ""
    try:
        has_key = resolve_key() is not None
    except QcutError as exc:
        has_key, key_problem = False, exc.user_text()
    offline = bool(getattr(args, "offline", False)) or settings.offline_preview or not has_key
    services = PanelServices(
        settings=settings,
        thumbnails_dir=dirs.thumbnails,
        connect=lambda: connect(settings, offline=offline),
    )
    panel = MediaPanel(services)
    if offline:
        reason = key_problem or "No fal key is configured."
        panel.set_mode_text(
            f"Offline preview: {reason} Generations run against a local stand-in, make "
            "sample clips and cost nothing. Add a key in Settings to generate for real."
        )
    else:
        panel.set_mode_text("")
    project = getattr(args, "project", None) or settings.project_dir or str(dirs.default_project)
    panel.open_project(project)
    return MainWindow(panel)


def run_app(args: argparse.Namespace) -> int:
    screenshot = getattr(args, "screenshot", None)
    if screenshot and _needs_offscreen():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from qcut_ai.app.theme import apply_dark_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("qcut-ai")
    apply_dark_theme(app)
    window = build_window(args)
    window.show()  # type: ignore[attr-defined]
    if screenshot:

        def grab() -> None:
            window.grab().save(screenshot)  # type: ignore[attr-defined]
            window.close()  # type: ignore[attr-defined]
            app.quit()

        QTimer.singleShot(1500, grab)
    return app.exec()
