"""Workers import modules lazily from several threads at once. A package whose
`__init__` imports its own submodules hands a half-initialised module to the
second thread (seen in the window as "cannot import name 'Library' from
partially initialized module"). Only the two documented facades, imported once
from the main thread by commands and tests, may re-export."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FACADES = {"qcut_ai.interchange", "qcut_ai.services.rehearsal"}


def _package_name(init: Path) -> str:
    return ".".join(init.parent.relative_to(ROOT).parts)


def _own_imports(init: Path, package: str) -> list[str]:
    tree = ast.parse(init.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:  # module level only: imports inside functions are lazy
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == package or node.module.startswith(package + "."):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith(package + ".")]
    return found


def test_packages_do_not_import_their_own_modules_at_import_time() -> None:
    offenders = {}
    for init in sorted((ROOT / "qcut_ai").rglob("__init__.py")):
        package = _package_name(init)
        if package in FACADES:
            continue
        if own := _own_imports(init, package):
            offenders[package] = own
    assert offenders == {}


LIBRARY = [
    "qcut_ai.library.ingest",
    "qcut_ai.library.project_db",
    "qcut_ai.library.repository",
    "qcut_ai.library.rebuild",
    "qcut_ai.library.thumbnails",
    "qcut_ai.library.relink",
]
# The pydantic records, the catalogue and the request rules load after the window's
# first paint, by whichever of the GUI thread (a tab, a menu) or a worker (the
# library's first page, a launch) asks first.
AFTER_FIRST_PAINT = [
    "qcut_ai.core.media",
    "qcut_ai.library.repository",
    "qcut_ai.core.catalog",
    "qcut_ai.core.selection",
    "qcut_ai.core.requests",
    "qcut_ai.core.pricing",
    "qcut_ai.core.input_checks",
    "qcut_ai.core.enhance_prompt",
    "qcut_ai.core.templates",
    "qcut_ai.core.catalog_schema",
]


@pytest.mark.parametrize(
    "names", [LIBRARY, AFTER_FIRST_PAINT], ids=["library", "after-first-paint"]
)
def test_lazily_loaded_modules_import_from_many_threads_at_once(names: list[str]) -> None:
    # A fresh interpreter, so nothing is imported before the threads race.
    script = """
import threading
names = NAMES
barrier = threading.Barrier(len(names))
errors = []
def load(name):
    barrier.wait()
    try:
        __import__(name)
    except Exception as exc:
        errors.append(f"{name}: {exc}")
threads = [threading.Thread(target=load, args=(n,)) for n in names]
for t in threads: t.start()
for t in threads: t.join()
print("\\n".join(errors) or "ok")
""".replace("NAMES", repr(names))
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
        assert out.stdout.strip() == "ok", out.stdout + out.stderr
