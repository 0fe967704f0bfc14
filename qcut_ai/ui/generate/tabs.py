"""The generation tabs, one per category, with a prompt builder in those that take a prompt."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from qcut_ai.core.catalog import Category, load_catalog
from qcut_ai.core.derive import DerivePlan
from qcut_ai.core.enhance_prompt import Enhancer
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.jobs.tasks import Runners
from qcut_ai.ui.generate.prompt_builder import PromptBuilder
from qcut_ai.ui.generate.tab import TAB_TITLES, GenerateTab

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
    """

    batch_requested = Signal(object)
    favourites_changed = Signal(list)

    def __init__(self, runners: Runners, enhancer: Enhancer, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("generateTabs")
        self.setDocumentMode(True)
        self.generate_tabs: dict[Category, GenerateTab] = {}
        self.builders: list[PromptBuilder] = []
        for category, (title, _short) in TAB_TITLES.items():
            tab = GenerateTab(category, self, runner=runners.media)
            tab.setAccessibleName(title)
            tab.batch_requested.connect(self.batch_requested)
            if category in PROMPT_CATEGORIES:
                self._add_builder(tab, runners, enhancer)
            self.generate_tabs[category] = tab
            self.addTab(tab, title)
            self.setTabToolTip(self.count() - 1, title)
        self.text_tab = self.generate_tabs[Category.TEXT_TO_VIDEO]
        for tab in self.generate_tabs.values():
            tab.picker.favourites_changed.connect(self.set_favourites)
            tab.picker.favourites_changed.connect(self.favourites_changed)

    def favourites(self) -> list[str]:
        return self.text_tab.picker.favourites()

    def reload_models(self) -> None:
        """Every tab lists the catalogue as it now stands."""
        for tab in self.generate_tabs.values():
            tab.reload_models()

    def set_favourites(self, ids: list[str]) -> None:
        """One set of favourites for every tab's picker."""
        for tab in self.generate_tabs.values():
            tab.picker.set_favourites(ids)

    def _add_builder(self, tab: GenerateTab, runners: Runners, enhancer: Enhancer) -> None:
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
        for index, (title, short) in enumerate(TAB_TITLES.values()):
            self.setTabText(index, short if compact else title)

    def open_request(self, model_ids: list[str], request: GenerationRequest) -> None:
        """Show a past request in its tab, ready to edit and run again."""
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
