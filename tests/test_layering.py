"""core, services, library, engine, interchange and the CLI commands work without Qt;
core works without OpenTimelineIO too (only interchange imports it)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r"""
import importlib, pkgutil, sys
sys.modules["PySide6"] = None  # any `import PySide6...` now raises ImportError
import qcut_ai
names = []
for pkg in ("core", "services", "library", "engine", "interchange", "commands"):
    mod = importlib.import_module(f"qcut_ai.{pkg}")
    names.append(mod.__name__)
    for info in pkgutil.walk_packages(mod.__path__, prefix=f"qcut_ai.{pkg}."):
        importlib.import_module(info.name)
        names.append(info.name)
import qcut_ai.cli
qcut_ai.cli.build_parser()
print(len(names))
"""


def test_lower_layers_import_without_qt() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.strip()) > 20  # the walk really found the modules


def test_core_does_not_need_opentimelineio() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "sys.modules['opentimelineio'] = None\n"
        "import qcut_ai.core as core\n"
        "for info in pkgutil.walk_packages(core.__path__, prefix='qcut_ai.core.'):\n"
        "    importlib.import_module(info.name)\n"
        "import qcut_ai.core.timeline\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_models_command_does_not_load_qt() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from qcut_ai.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    rc = main(['models', '--json'])\n"
        "assert rc == 0, rc\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was imported'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
