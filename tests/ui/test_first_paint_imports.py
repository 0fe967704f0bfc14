"""The window's first paint needs neither pydantic nor the catalogue; the generator on
screen loads them right after it, before any worker starts (so no two threads race
to import them at start)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import sys
from qcut_ai.cli import parse_args
args = parse_args(["--project", sys.argv[1]])
import qcut_ai.app.main as main
build = main.build_window
def build_window(*a, **k):
    window = build(*a, **k)
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    runners = window.panel.services.runners
    heavy = ("pydantic", "qcut_ai.core.catalog", "qcut_ai.core.media", "qcut_ai.core.requests")
    def loaded():
        return sorted(m for m in heavy if m in sys.modules)
    class FirstPaint(QObject):
        # What is loaded while the window paints for the first time.
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and watched is window:
                app.removeEventFilter(self)
                print("shown", loaded(), runners.database.busy(), flush=True)
                QTimer.singleShot(0, ready)
            return False
    def ready():
        tabs = window.panel.tabs
        if not tabs.generate_tabs.is_built(tabs.current_category()):
            QTimer.singleShot(5, ready)
            return
        print("ready", loaded(), flush=True)
        window.quit_guard.ask = lambda *_: True
        window.close()
        app.quit()
    window.first_paint_probe = FirstPaint()
    app.installEventFilter(window.first_paint_probe)
    return window
main.build_window = build_window
main.run_app(args)
"""


def test_the_first_paint_loads_no_pydantic_and_no_catalogue(tmp_path: Path) -> None:
    env = dict(os.environ, QCUT_AI_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    env.pop("FAL_KEY", None)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "project")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith(("shown", "ready"))]
    # At the first paint: none of them, and the library's first read waits (held).
    assert lines[0] == "shown [] True"
    everything = (
        "['pydantic', 'qcut_ai.core.catalog', 'qcut_ai.core.media', 'qcut_ai.core.requests']"
    )
    assert lines[1] == f"ready {everything}"
