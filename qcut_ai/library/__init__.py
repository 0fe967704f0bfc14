"""The project's media library: SQLite rows, probing, thumbnails and provenance.

No Qt here, and no imports from `qcut_ai.services`: the Qt layer and the job
engine wrap these plain objects and run the slow calls in workers.

This file imports nothing on purpose. Workers import library modules lazily,
several at once; a package that imported its own submodules here would let a
second thread see a half-initialised module ("cannot import name 'Library'
from partially initialized module") while the first is still running it.
Import from the modules themselves (`qcut_ai.library.ingest`, `.repository`, …).
"""
