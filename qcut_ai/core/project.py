"""The layout of one project folder: its media, its database and job journal.

A plain value shared by every layer; creating the folders is the only I/O.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from qcut_ai.core.errors import ConfigError

PROJECT_DB_NAME = "qcut-ai.db"
MEDIA_DIR_NAME = "media"


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
