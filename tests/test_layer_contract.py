"""The layers, as docs/architecture.md draws them, checked on every import in the package.

app > ui > jobs > commands > engine | interchange > services | library > core

Each layer may import the layers listed for it below and nothing else (the
layers sharing a row not each other); only app, ui and jobs may import Qt, and
only interchange imports OpenTimelineIO.
Imports inside functions and under TYPE_CHECKING count too: they are as much
a dependency as any other. EXCEPTIONS is the list of known breaches; it may
only shrink: an entry that is no longer needed fails the test as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "qcut_ai"

ALLOWED: dict[str, set[str]] = {
    "core": {"core"},
    "library": {"library", "core"},
    "services": {"services", "core"},
    "engine": {"engine", "services", "library", "core"},
    "interchange": {"interchange", "services", "library", "core"},
    "commands": {"commands", "engine", "interchange", "services", "library", "core"},
    "jobs": {"jobs", "engine", "interchange", "services", "library", "core"},
    "ui": {"ui", "jobs", "core"},
    "app": {
        *("app", "ui", "jobs", "commands", "engine", "interchange"),
        *("services", "library", "core"),
    },
}
QT_LAYERS = {"app", "ui", "jobs"}
OTIO_LAYERS = {"interchange"}
# Modules at the package's top: the entry points belong to app, the version to core.
TOP_LEVEL = {"cli": "app", "__main__": "app", "__init__": "core"}

# (importing layer or module, imported layer): known breaches, to be removed, never added.
EXCEPTIONS: set[tuple[str, str]] = set()


def _layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "qcut_ai":
        return None
    if len(parts) == 1:
        return "core"
    if parts[1] in ALLOWED:
        return parts[1]
    return TOP_LEVEL.get(parts[1], parts[1])


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def _module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(relative.parts)


def _breaches() -> tuple[list[str], set[tuple[str, str]]]:
    breaches: list[str] = []
    used: set[tuple[str, str]] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        layer = _layer_of(module)
        assert layer is not None
        for line, imported in _imports(path):
            if imported.split(".")[0] == "PySide6" or imported == "shiboken6":
                if layer not in QT_LAYERS:
                    breaches.append(f"{module}:{line} imports Qt ({imported})")
                continue
            if imported.split(".")[0] == "opentimelineio" and layer not in OTIO_LAYERS:
                breaches.append(f"{module}:{line} imports OpenTimelineIO ({imported})")
                continue
            target = _layer_of(imported)
            if target is None or target in ALLOWED[layer]:
                continue
            for key in ((module, target), (layer, target)):
                if key in EXCEPTIONS:
                    used.add(key)
                    break
            else:
                breaches.append(f"{module}:{line} ({layer}) imports {imported} ({target})")
    return breaches, used


def test_every_import_goes_down_the_layers() -> None:
    breaches, _ = _breaches()
    assert breaches == []


def test_the_list_of_exceptions_only_shrinks() -> None:
    _, used = _breaches()
    assert EXCEPTIONS - used == set(), "remove these exceptions: they are no longer needed"


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - {"resources"} <= set(ALLOWED)
