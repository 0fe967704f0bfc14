"""The generation tabs, one per category, with a prompt builder in those that take a prompt.

No tab is built with the panel: the tab on screen is built on the event-loop
turn after its placeholder first paints (so the window shows without waiting
for the catalogue and the form), and each other one when it is first opened or
asked for (`generate_tabs[category]`, `text_tab`; see `lazy_tabs`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from qcut_ai.core.catalog_kinds import Category
from qcut_ai.jobs.tasks import Runners
from qcut_ai.ui.generate.lazy_tabs import LazyTabs, TabPlaceholder
from qcut_ai.ui.generate.tab_titles import TAB_TITLES

if TYPE_CHECKING:
    from qcut_ai.core.derive import DerivePlan
    from qcut_ai.core.enhance_prompt import Enhancer
    from qcut_ai.core.requests import GenerationRequest
    from qcut_ai.ui.generate.prompt_builder import PromptBuilder
    from qcut_ai.ui.generate.tab import GenerateTab

__all__ = ["PROMPT_CATEGORIES", "TAB_TITLES", "GenerateTabs"]

PROMPT_CATEGORIES = {
    Category.TEXT_TO_VIDEO,
    Category.IMAGE_TO_VIDEO,
    Category.FRAME_TO_VIDEO,
    Category.REFERENCE_TO_VIDEO,
}


class GenerateTabs(QTabWidget):
    """Every category's generator.

    Signals: batch_requested(object): a tab's SelectionPlan
    favourites_changed(list): the favourite model ids after the user changed them
    tab_built(object): the GenerateTab just built (put where its placeholder was)
    """

    batch_requested = Signal(object)
    favourites_changed = Signal(list)
    tab_built = Signal(object)

    def __init__(self, runners: Runners, enhancer: Enhancer, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("generateTabs")
        self.setDocumentMode(True)
        self._runners, self._enhancer = runners, enhancer
        self._compact = False
        self._favourites: list[str] | None = None  # set before a tab was built
        # Restored choices of tabs not built yet, checked against the catalogue
        # (`usable`) only when asked for, so restoring a layout reads no catalogue.
        self._pending_models: dict[Category, tuple[list[str], Callable[[str], bool]]] = {}
        self._placeholders: dict[Category, QWidget] = {}
        self.builders: list[PromptBuilder] = []
        self.generate_tabs = LazyTabs(list(TAB_TITLES), self._build_tab)
        for category, (title, _short) in TAB_TITLES.items():
            placeholder = TabPlaceholder(self, painted=self._build_current)
            placeholder.setAccessibleName(title)
            self._placeholders[category] = placeholder
            self.addTab(placeholder, title)
            self.setTabToolTip(self.count() - 1, title)
        self.currentChanged.connect(self._on_current_changed)

    @property
    def text_tab(self) -> GenerateTab:
        """The Text to Video tab (built now if it was not yet)."""
        return self.generate_tabs[Category.TEXT_TO_VIDEO]

    def current_category(self) -> Category:
        """The category of the tab on screen (built or not)."""
        return list(TAB_TITLES)[max(0, self.currentIndex())]

    def _build_current(self) -> None:
        # A placeholder on screen painted: its tab is built on this event-loop turn.
        self._on_current_changed(self.currentIndex())

    def _build_tab(self, category: Category) -> GenerateTab:
        """Make `category`'s tab and put it where its placeholder was."""
        from qcut_ai.ui.generate.tab import GenerateTab

        title, short = TAB_TITLES[category]
        tab = GenerateTab(category, self, runner=self._runners.media)
        tab.setAccessibleName(title)
        tab.batch_requested.connect(self.batch_requested)
        if category in PROMPT_CATEGORIES:
            self._add_builder(tab, self._runners, self._enhancer)
        if self._favourites is not None:
            tab.picker.set_favourites(self._favourites)
        pending = self._usable_pending(category)
        self._pending_models.pop(category, None)
        if pending:
            tab.picker.select_ids(pending)
        tab.picker.favourites_changed.connect(self.set_favourites)
        tab.picker.favourites_changed.connect(self.favourites_changed)
        placeholder = self._placeholders.pop(category)
        index = self.indexOf(placeholder)
        was_current = self.currentIndex() == index
        self.blockSignals(True)  # the swap is not the user changing tabs
        try:
            self.insertTab(index, tab, short if self._compact else title)
            self.setTabToolTip(index, title)
            if was_current:
                self.setCurrentIndex(index)
            self.removeTab(index + 1)
        finally:
            self.blockSignals(False)
        placeholder.deleteLater()
        self.tab_built.emit(tab)
        return tab

    def _on_current_changed(self, index: int) -> None:
        # Opening a tab not yet built builds it (the placeholder is swapped out).
        for category, placeholder in list(self._placeholders.items()):
            if self.indexOf(placeholder) == index:
                self.generate_tabs[category]
                return

    def favourites(self) -> list[str]:
        built = self.generate_tabs.built()
        if built:
            return next(iter(built.values())).picker.favourites()
        return sorted(set(self._favourites or ()))

    def reload_models(self) -> None:
        """Every tab lists the catalogue as it now stands (a tab built later reads it
        when it is built)."""
        for tab in self.generate_tabs.built().values():
            tab.reload_models()

    def set_favourites(self, ids: list[str]) -> None:
        """One set of favourites for every tab's picker."""
        self._favourites = list(ids)
        for tab in self.generate_tabs.built().values():
            tab.picker.set_favourites(ids)

    def chosen_models(self) -> dict[str, list[str]]:
        """The models chosen in each tab, by category value (for the panel's layout)."""
        chosen = {c.value: self._usable_pending(c) for c in self._pending_models}
        chosen = {value: ids for value, ids in chosen.items() if ids}
        for category, tab in self.generate_tabs.built().items():
            chosen[category.value] = [spec.id for spec in tab.selected_specs()]
        return chosen

    def restore_models(self, models: dict[str, object], usable: Callable[[str], bool]) -> None:
        """Choose again the models a past `chosen_models()` named that are still usable."""
        for category in self.generate_tabs:
            ids = models.get(category.value)
            if not isinstance(ids, list):
                continue
            named = [i for i in ids if isinstance(i, str)]
            if not named:
                continue
            if self.generate_tabs.is_built(category):
                known = [i for i in named if usable(i)]
                if known:
                    self.generate_tabs[category].picker.select_ids(known)
            else:
                self._pending_models[category] = (named, usable)

    def _usable_pending(self, category: Category) -> list[str]:
        """The restored models of a tab not built yet that are still usable."""
        named, usable = self._pending_models.get(category, ([], lambda _id: False))
        return [i for i in named if usable(i)]

    def _add_builder(self, tab: GenerateTab, runners: Runners, enhancer: Enhancer) -> None:
        from qcut_ai.ui.generate.prompt_builder import PromptBuilder

        builder = PromptBuilder(tab, runner=runners.network)
        builder.prompt_built.connect(tab.set_prompt)
        builder.aspect_ratio_chosen.connect(tab.set_aspect_ratio)
        builder.duration_chosen.connect(tab.set_duration)
        tab.models_changed.connect(builder.set_models)
        builder.set_models(tab.selected_specs())
        builder.set_enhancer(enhancer, offline=False)
        tab.add_tool_widget(builder, "Prompt builder")
        self.builders.append(builder)

    def set_compact(self, compact: bool) -> None:
        """Short titles in a narrow dock."""
        self._compact = compact
        for index, (title, short) in enumerate(TAB_TITLES.values()):
            self.setTabText(index, short if compact else title)

    def open_request(self, model_ids: list[str], request: GenerationRequest) -> None:
        """Show a past request in its tab, ready to edit and run again."""
        from qcut_ai.core.catalog import load_catalog  # the catalogue loads after the first paint

        tab = self.generate_tabs[load_catalog().get(model_ids[0]).category]
        tab.load_request(model_ids, request)
        self.setCurrentWidget(tab)

    def open_derived(self, plan: DerivePlan) -> None:
        """Fill the tab a library action opens with its models, request and inputs."""
        tab = self.generate_tabs[plan.category]
        if plan.request is not None:
            # Without models of its own the plan keeps the tab's current choice.
            models = plan.model_ids or [s.id for s in tab.selected_specs()]
            tab.load_request(models, plan.request)
        for role, path in plan.inputs.items():
            tab.set_input(role, path)
        self.setCurrentWidget(tab)

    def shutdown(self) -> None:
        for builder in self.builders:
            builder.shutdown()
