"""The user's list of project folders that have generated, for the per-day budget.

The daily budget belongs to the user, not to one project, so every project
that ever journaled a batch is listed in the app's data folder. The list is
only an index: a lost or damaged file is rebuilt as projects generate again.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from pathlib import Path

from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.errors import ConfigError
from qcut_ai.core.project import ProjectPaths

log = logging.getLogger(__name__)

REGISTRY_FILE = "spend-projects.json"
_VERSION = 1
_LOCK = threading.Lock()


def registry_path() -> Path:
    return app_dirs().data / REGISTRY_FILE


def _read(path: Path) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.warning("spend: ignoring unreadable project list %s: %s", path, exc)
        return []
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, list):
        log.warning("spend: ignoring project list %s without a 'projects' list", path)
        return []
    return [p for p in projects if isinstance(p, str) and p]


def _write(path: Path, projects: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": _VERSION, "projects": projects}, indent=2)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".spend-projects-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ConfigError(
            f"Could not save the list of projects to {path}: {exc.strerror}.",
            hint="Check that the app's data folder is writable.",
        ) from exc


def record_project(project: ProjectPaths) -> None:
    """Add the project folder to the list the daily budget sums over (once)."""
    path = registry_path()
    key = str(project.root)
    with _LOCK:
        projects = _read(path)
        if key in projects:
            return
        _write(path, [*projects, key])


def registered_projects() -> list[ProjectPaths]:
    """Every listed project folder that still exists."""
    with _LOCK:
        listed = _read(registry_path())
    return [ProjectPaths(Path(p)) for p in listed if Path(p).is_dir()]
