"""Where qcut-ai keeps its files.

`QCUT_AI_HOME` moves config, data, cache and logs under one folder (tests and
portable installs); otherwise the OS conventions from platformdirs apply.
A project folder holds its own media, database and job journal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from qcut_ai import APP_NAME
from qcut_ai.core.errors import ConfigError

HOME_ENV = "QCUT_AI_HOME"
PROJECT_DB_NAME = "qcut-ai.db"
MEDIA_DIR_NAME = "media"


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


@dataclass(frozen=True)
class ProjectPaths:
    """The layout of one project folder."""

    root: Path

    @classmethod
    def at(cls, root: str | os.PathLike[str]) -> ProjectPaths:
        return cls(Path(root).expanduser().resolve())

    @property
    def database(self) -> Path:
        return self.root / PROJECT_DB_NAME

    @property
    def media(self) -> Path:
        return self.root / MEDIA_DIR_NAME

    def ensure(self) -> ProjectPaths:
        for what, folder in (("project", self.root), ("media", self.media)):
            if folder.exists() and not folder.is_dir():
                raise ConfigError(
                    f"The {what} folder {folder} is a file, not a folder.",
                    hint="Choose another project folder, or move that file away.",
                )
        try:
            self.media.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"The project folder {self.root} cannot be created "
                f"({(exc.strerror or 'refused').lower()}).",
                hint="Choose a folder you can write to.",
            ) from exc
        return self
