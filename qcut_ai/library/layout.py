"""What the library needs to know about a project folder.

`qcut_ai.core.project.ProjectPaths` satisfies this Protocol. The library takes
it structurally because a rebuild imports clips into a database under a
temporary name, beside the project's media, before it replaces the old file.
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
