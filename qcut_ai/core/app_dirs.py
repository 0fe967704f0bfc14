"""Where qcut-ai keeps the user's files (config, data, cache, logs), from the environment.

`QCUT_AI_HOME` moves them under one folder (tests and portable installs);
otherwise the OS conventions from platformdirs apply. A project folder's own
layout is `qcut_ai.core.project.ProjectPaths`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from qcut_ai import APP_NAME

HOME_ENV = "QCUT_AI_HOME"


@dataclass(frozen=True)
class AppDirs:
    """The per-user folders of the app."""

    config: Path
    data: Path
    cache: Path
    logs: Path

    def ensure(self) -> AppDirs:
        for p in (self.config, self.data, self.cache, self.logs):
            p.mkdir(parents=True, exist_ok=True)
        return self

    @property
    def thumbnails(self) -> Path:
        return self.cache / "thumbnails"

    @property
    def default_project(self) -> Path:
        return self.data / "projects" / "Default"


def app_dirs() -> AppDirs:
    """The app's folders, honouring QCUT_AI_HOME."""
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        root = Path(home).expanduser().resolve()
        return AppDirs(root / "config", root / "data", root / "cache", root / "logs")
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return AppDirs(
        Path(dirs.user_config_dir),
        Path(dirs.user_data_dir),
        Path(dirs.user_cache_dir),
        Path(dirs.user_log_dir),
    )
