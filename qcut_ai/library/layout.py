"""What the library needs to know about a project folder.

`qcut_ai.services.paths.ProjectPaths` satisfies this Protocol; the library
takes it structurally so it never imports the services layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class ProjectLayout(Protocol):
    """A project folder: its root, its database file and its media folder."""

    @property
    def root(self) -> Path: ...

    @property
    def database(self) -> Path: ...

    @property
    def media(self) -> Path: ...
