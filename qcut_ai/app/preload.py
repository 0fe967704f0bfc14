"""The Qt-free modules the window needs, imported before PySide6.

Once PySide6 is imported, it checks every module imported after it for
`from __feature__ import …` by reading that module's source (its
`shibokensupport` import hook): about 0.2 ms a module. The window's first
paint needs ~100 modules that never touch Qt (the core values, settings and
keyring wrappers, and the standard library they bring); importing them
first spares each the check. Nothing here may import Qt (tests/test_preload.py),
and a module missing from the list only pays the check, as before.
"""

from __future__ import annotations

import importlib

# Leaves that pull in the rest. The pydantic records, the catalogue and the request
# rules are not here: the first paint does not need them, and they load with the
# generation tab on screen, built after it.
QT_FREE = (
    "qcut_ai.app.context",
    "qcut_ai.core.events",
    "qcut_ai.core.derive",
    "qcut_ai.core.timeline",
    "qcut_ai.core.timeline_edit",
    "qcut_ai.core.comparison",
    "qcut_ai.core.spend_totals",
    "qcut_ai.core.bins",
    "qcut_ai.core.successors",
    "qcut_ai.core.batches",
)


def preload_qt_free() -> None:
    """Import `QT_FREE` (call before the first PySide6 import to gain anything)."""
    for name in QT_FREE:
        importlib.import_module(name)
