"""The generation tabs by category, each built the first time it is asked for.

Building a tab lists its category's models and lays out its form; doing that for
all ten before the window's first paint cost more than anything else the panel
builds. Only the tab on screen is built at start; the others are built when the
user opens them or when code asks for one (`tabs[category]`), so callers see
the same mapping as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from qcut_ai.core.catalog import Category
from qcut_ai.ui.generate.tab import GenerateTab


class LazyTabs(Mapping[Category, GenerateTab]):
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
