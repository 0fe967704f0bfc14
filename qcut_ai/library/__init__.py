"""The project's media library: SQLite rows, probing, thumbnails and provenance.

No Qt here, and no imports from `qcut_ai.services`: the Qt layer and the job
engine wrap these plain objects and run the slow calls in workers.
"""

from __future__ import annotations

from qcut_ai.core.media import RelinkResult
from qcut_ai.library.db import open_database
from qcut_ai.library.ingest import Library
from qcut_ai.library.media_rows import NewMedia
from qcut_ai.library.probe import probe, verify_media
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.relink import MissingFileError
from qcut_ai.library.repository import MediaRepository

__all__ = [
    "Library",
    "MediaRepository",
    "MissingFileError",
    "NewMedia",
    "RelinkResult",
    "open_database",
    "open_project_db",
    "probe",
    "verify_media",
]
