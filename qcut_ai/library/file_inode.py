"""Which file a path names now, so a connection kept open can tell it was replaced.

A rebuild or a restore puts a new file in the database's place (a new inode);
a connection opened on the old one would go on reading it, and keep it and its
WAL open after they were deleted.
"""

from __future__ import annotations

from pathlib import Path


def file_inode(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, or None when there is none."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino
