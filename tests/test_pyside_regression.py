"""PySide6 6.12.0 on CPython 3.11 aborts after a few thousand calls to void Qt methods."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

LOOP = (
    "from PySide6.QtCore import QSize\n"
    "s = QSize(1, 1)\n"
    "for i in range(20000):\n"
    "    s.setWidth(i)\n"
    "    s.setHeight(i)\n"
    "print(s.width())\n"
)


def test_twenty_thousand_void_calls_do_not_abort_the_interpreter() -> None:
    proc = subprocess.run([sys.executable, "-c", LOOP], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"interpreter aborted ({proc.returncode}): {proc.stderr[-400:]}"
    assert proc.stdout.strip() == "19999"


def test_installed_pyside_is_not_the_broken_release() -> None:
    installed = version("PySide6-Essentials")
    assert not (sys.version_info < (3, 12) and installed == "6.12.0")
