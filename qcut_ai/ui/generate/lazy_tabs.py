"""The generation tabs by category, each built the first time it is asked for.

Building a tab lists its category's models and lays out its form; doing that for
all ten before the window's first paint cost more than anything else the panel
builds. The tab on screen is built right after the window's first paint (its
`TabPlaceholder` says when it painted); the others are built when the user opens
them or when code asks for one (`tabs[category]`), so callers see the same
mapping as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QWidget

from qcut_ai.core.catalog_kinds import Category

if TYPE_CHECKING:
    from qcut_ai.ui.generate.tab import GenerateTab


class TabPlaceholder(QWidget):
    """Stands where a tab not built yet goes; the first time it paints, `painted` is
    called on the next event-loop turn (after the frame it is part of is shown)."""

    def __init__(self, parent: QWidget, *, painted: Callable[[], None]) -> None:
        super().__init__(parent)
        self._painted: Callable[[], None] | None = painted

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._painted is not None:
            QTimer.singleShot(0, self, self._painted)
            self._painted = None


class LazyTabs(Mapping[Category, "GenerateTab"]):  # a name: tab.py loads on first build
    """Every category, in tab order; `build(category)` makes a tab on first access."""

    def __init__(self, order: list[Category], build: Callable[[Category], GenerateTab]) -> None:
        self._order = order
        self._build = build
        self._built: dict[Category, GenerateTab] = {}

    def __getitem__(self, category: Category) -> GenerateTab:
        tab = self._built.get(category)
        if tab is None:
            if category not in self._order:
                raise KeyError(category)
            tab = self._built[category] = self._build(category)
        return tab

    def __iter__(self) -> Iterator[Category]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def built(self) -> dict[Category, GenerateTab]:
        """The tabs made so far (iterating `values()` would build the rest)."""
        return dict(self._built)

    def is_built(self, category: Category) -> bool:
        return category in self._built
