"""The Qt-free modules the window needs, imported before PySide6.

Once PySide6 is imported, it checks every module imported after it for
`from __feature__ import …` by reading that module's source (its
`shibokensupport` import hook): about 0.2 ms a module. The window needs
~150 modules that never touch Qt (pydantic and what it brings, the core
values and rules, settings and keyring wrappers); importing them first
spares each the check. Nothing here may import Qt (tests/test_preload.py),
and a module missing from the list only pays the check, as before.
"""

from __future__ import annotations

import importlib

# Leaves that pull in the rest: pydantic comes with the media records and the catalogue.
QT_FREE = (
    "qcut_ai.app.context",
    "qcut_ai.core.events",
    "qcut_ai.core.selection",
    "qcut_ai.core.derive",
    "qcut_ai.core.enhance_prompt",
    "qcut_ai.core.timeline",
    "qcut_ai.core.timeline_edit",
    "qcut_ai.core.comparison",
    "qcut_ai.core.spend_totals",
    "qcut_ai.core.templates",
    "qcut_ai.core.bins",
    "qcut_ai.core.input_checks",
    "qcut_ai.core.successors",
    "qcut_ai.core.catalog_news",
    "qcut_ai.core.batches",
)


def preload_qt_free() -> None:
    """Import `QT_FREE` (call before the first PySide6 import to gain anything)."""
    for name in QT_FREE:
        importlib.import_module(name)
