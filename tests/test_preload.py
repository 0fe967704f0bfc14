"""The modules the app imports before PySide6 stay Qt-free, so the window still starts
with Qt first imported where the app creates its QApplication."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = (
    "import sys\n"
    "from qcut_ai.app.preload import QT_FREE, preload_qt_free\n"
    "preload_qt_free()\n"
    "assert all(name in sys.modules for name in QT_FREE)\n"
    "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
)


def test_preloading_imports_every_listed_module_and_no_qt() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
