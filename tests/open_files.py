"""What a process has open: the tests that check no connection outlives its file."""

from __future__ import annotations

import os
from pathlib import Path


def open_files(pid: int | None = None) -> list[str]:
    """The paths the descriptors of process `pid` (this one by default) point at; a
    deleted file's ends with " (deleted)"."""
    found = []
    for fd in Path(f"/proc/{pid or os.getpid()}/fd").iterdir():
        try:
            found.append(os.readlink(fd))
        except OSError:
            continue  # closed meanwhile
    return found
