"""MediaPanel: the embeddable AI media panel.

A host editor constructs it with a PanelServices, calls `open_project(path)`
and listens to its signals. The panel composes the widgets, shows prices and
asks for confirmation; the generation service (qcut_ai.jobs.generation) does
everything that touches fal, the journal or the library, in workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.catalog import Category, ModelSpec, load_catalog
from qcut_ai.core.derive import plan_derive
from qcut_ai.core.errors import QcutError
from qcut_ai.core.job_state import JobState
from qcut_ai.core.media import MediaItem
from qcut_ai.core.pricing import batch_total, needs_confirmation
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.selection import SelectionPlan, plan_selection
from qcut_ai.core.settings import Settings
from qcut_ai.jobs.generation import (
    ConnectionFactory,
    ConnectionInfo,
    GenerationService,
    LibraryCheck,
)
from qcut_ai.jobs.tasks import Runners
from qcut_ai.ui.generate.prompt_builder import PromptBuilder
from qcut_ai.ui.generate.tab import GenerateTab
from qcut_ai.ui.jobs.history_view import HistoryView
from qcut_ai.ui.jobs.job_list import JobListWidget
from qcut_ai.ui.jobs.spend import SpendSummary
from qcut_ai.ui.library.panel import LibraryPanel
from qcut_ai.ui.player.preview_player import PreviewPlayer

TAB_TITLES = (
    (Category.TEXT_TO_VIDEO, "Text to Video", "Text"),
    (Category.IMAGE_TO_VIDEO, "Image to Video", "Image"),
    (Category.FRAME_TO_VIDEO, "Frame to Video", "Frames"),
    (Category.AVATAR, "Avatar", "Avatar"),
    (Category.UPSCALE, "Upscale", "Upscale"),
)
PROMPT_CATEGORIES = {Category.TEXT_TO_VIDEO, Category.IMAGE_TO_VIDEO, Category.FRAME_TO_VIDEO}
COMPACT_WIDTH = 520  # below this the dock is "narrow": short titles, no preview pane


@dataclass
class PanelServices:
    """What the host gives the panel. `connect` builds the fal connection (in a worker);
    `runners` run all background work and are shut down with the panel."""

    settings: Settings
    thumbnails_dir: Path
    connect: ConnectionFactory
    runners: Runners = field(default_factory=Runners.standard)


class MediaPanel(QWidget):
    """The AI media panel.

    Signals:
        project_opened(str): the project folder now shown
        media_added(object): a MediaItem that entered the library
        media_changed(object): a newer state of a MediaItem already added
            (e.g. its provenance tags written into the file, its filmstrip made)
        media_selected(object): the MediaItem the user selected
        media_activated(object): a MediaItem double-clicked / Enter
        media_dragged(object): list[MediaItem] whose drag started
        error_reported(str): a one-sentence error shown to the user
    """

    project_opened = Signal(str)
    media_added = Signal(object)
    media_changed = Signal(object)
    media_selected = Signal(object)
    media_activated = Signal(object)
    media_dragged = Signal(object)
    error_reported = Signal(str)

    def __init__(self, services: PanelServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mediaPanel")
        self.setAccessibleName("AI media panel")
        self.services = services
        runners = services.runners
        self.project: ProjectPaths | None = None
        self._announced: set[int] = set()
        self._rebuild_for: tuple[ProjectPaths, bool] | None = None
        self._compact: bool | None = None
        self.generation = GenerationService(
            services.settings, services.thumbnails_dir, services.connect, runners, self
        )
        self.jobs = self.generation.manager

        self.banner = QLabel(self)
        self.banner.setObjectName("modeBanner")
        self.banner.setWordWrap(True)
        self.rebuild_button = QPushButton("Rebuild library", self)
        self.rebuild_button.setObjectName("rebuildLibraryButton")
        self.rebuild_button.hide()
        self.rebuild_button.clicked.connect(self.rebuild_library)
        self.spend = SpendSummary(self, runner=runners.database)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("generateTabs")
        self.tabs.setDocumentMode(True)
        self.generate_tabs: dict[Category, GenerateTab] = {}
        self.builders: list[PromptBuilder] = []
        for category, title, _short in TAB_TITLES:
            tab = GenerateTab(category, self, runner=runners.media)
            tab.setAccessibleName(title)
            tab.batch_requested.connect(self.submit)
            if category in PROMPT_CATEGORIES:
                self._add_builder(tab)
            self.generate_tabs[category] = tab
            self.tabs.addTab(tab, title)
            self.tabs.setTabToolTip(self.tabs.count() - 1, title)
        self.text_tab = self.generate_tabs[Category.TEXT_TO_VIDEO]

        self.job_list = JobListWidget(self, model=self.generation.model)
        self.jobs.batch_progress.connect(self.job_list.set_batch_progress)
        self.jobs.media_added.connect(self._on_media_added)
        self.jobs.media_updated.connect(self._on_media_updated)
        self.jobs.job_finished.connect(lambda _record: self.spend.refresh())
        self.job_list.cancel_requested.connect(self.jobs.cancel)
        self.job_list.cancel_queued_requested.connect(self.jobs.cancel_queued)
        self.job_list.cancel_all_requested.connect(self.jobs.cancel_all)
        self.job_list.retry_requested.connect(self.retry_job)
        self.jobs.job_retried.connect(self._on_job_retried)
        self.generation.error_reported.connect(self.error_reported)
        self.generation.foreign.media_added.connect(self._on_media_added)

        self.library_panel = LibraryPanel(services.thumbnails_dir, self, runners=runners)
        lib = self.library_panel
        lib.item_selected.connect(self.media_selected)
        lib.item_selected.connect(self._on_selected)
        lib.item_activated.connect(self.media_activated)
        lib.items_dragged.connect(self.media_dragged)
        lib.error_reported.connect(self.error_reported)
        lib.preview_requested.connect(self._preview)
        lib.derive_requested.connect(self.derive)
        lib.items_imported.connect(self._on_imported)
        lib.items_appeared.connect(self._on_imported)
        # Short names kept for hosts and tests that reach into the library.
        self.library, self.model, self.view = lib.service, lib.model, lib.view
        self.search = lib.search
        self.history = HistoryView(self, runner=runners.database)
        self.history.run_again_requested.connect(self._run_again)
        self.history.edit_requested.connect(self._edit_and_run)
        self.history.load_failed.connect(self.error_reported)
        self.preview = PreviewPlayer(self, runner=runners.media)
        self._build_layout()
        self.error_reported.connect(self._show_error)

    def _build_layout(self) -> None:
        self.lower_tabs = QTabWidget(self)
        self.lower_tabs.setObjectName("libraryTabs")
        self.lower_tabs.setDocumentMode(True)
        self.lower_tabs.addTab(self.library_panel, "Library")
        self.lower_tabs.addTab(self.history, "History")
        self.lower_tabs.currentChanged.connect(self._on_lower_tab)
        self.lower_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.lower_split.addWidget(self.lower_tabs)
        self.lower_split.addWidget(self.preview)
        self.lower_split.setStretchFactor(0, 3)
        self.lower_split.setStretchFactor(1, 2)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("panelSplitter")
        split.addWidget(self.tabs)
        split.addWidget(self.job_list)
        split.addWidget(self.lower_split)
        split.setStretchFactor(2, 1)
        split.setSizes([440, 110, 380])
        self.splitter = split
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.rebuild_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(banner_row)
        layout.addWidget(self.spend)
        layout.addWidget(split, 1)

    def _add_builder(self, tab: GenerateTab) -> None:
        builder = PromptBuilder(tab, runner=self.services.runners.network)
        builder.prompt_built.connect(tab.set_prompt)
        builder.aspect_ratio_chosen.connect(tab.set_aspect_ratio)
        builder.duration_chosen.connect(tab.set_duration)
        tab.models_changed.connect(builder.set_models)
        builder.set_models(tab.selected_specs())
        builder.set_enhancer(self.generation.enhancer(), offline=False)
        tab.add_tool_widget(builder, "Prompt builder")
        self.builders.append(builder)

    # -- project ---------------------------------------------------------------
    def open_project(self, path: str | Path, *, resume: bool = True) -> None:
        """Show a project's library; with `resume`, finish its unfinished jobs (exactly once)."""
        self.project = project = ProjectPaths.at(path).ensure()
        self.generation.set_project(project)
        self._announced.clear()
        self.library_panel.open(project)
        self.history.set_project(project)
        self.spend.set_project(project)
        self.preview.show_item(None)
        self.project_opened.emit(str(project.root))
        self.generation.check_library(project, lambda found: self._offer_rebuild(project, found))
        if resume:
            self.resume_unfinished()
        self.generation.finish_pending(lambda items: self._on_finished(project, items))

    def _on_finished(self, project: ProjectPaths, items: list[MediaItem]) -> None:
        if self.project == project:
            for item in items:
                self._on_media_updated(item)

    def resume_unfinished(self) -> None:
        """Jobs fal may still hold are polled, never resent (read in a worker)."""
        self.generation.resume()

    def _offer_rebuild(self, project: ProjectPaths, found: LibraryCheck) -> None:
        """A damaged or emptied database, or clips the library lost: offered, not asked
        (a modal question on open would stop a host's start-up)."""
        if self.project != project or not found.rebuild_offered:
            return
        what = (
            f"The library of {project.root.name} is empty, but its media folder holds "
            f"{found.clips} generated clips."
            if found.state == "healthy"
            else f"The library database of {project.root.name} is damaged, so it was not opened."
        )
        self._show_error(
            f"{what} It can be rebuilt from the clips' provenance (names, prompts, models, "
            "tags and ratings); the old database is kept beside it."
        )
        self._rebuild_for = (project, found.state == "healthy")
        self.rebuild_button.show()

    def rebuild_library(self) -> None:
        """Rebuild the offered project's library from its media folder, in a worker."""
        if self._rebuild_for is None:
            return
        (project, force), self._rebuild_for = self._rebuild_for, None
        self.rebuild_button.hide()
        self.set_mode_text(f"Rebuilding the library of {project.root.name} from its clips…")

        def done(restored: int) -> None:
            self.set_mode_text(f"Rebuilt the library: {restored} item(s).")
            if self.project == project:
                self.library_panel.open(project)

        self.generation.rebuild_library(project, force, done)

    def retry_job(self, job_id: str) -> None:
        """Retry; an uncertain submit needs the user's word that paying twice is acceptable."""
        accept = False
        if self.generation.model.state_of(job_id) is JobState.UNKNOWN:
            answer = QMessageBox.question(
                self,
                "Retry an uncertain job?",
                "fal may already be running this job (check fal.ai/dashboard/requests). "
                "Retrying may pay for it twice. Retry anyway?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            accept = True
        self.generation.retry(job_id, accept_unknown=accept)

    def _on_job_retried(self, old_id: str, new_id: str) -> None:
        if new_id != old_id:
            old = self.generation.model.item(old_id)
            self.generation.model.add(new_id, old.model_name if old is not None else "Retry")

    def set_mode_text(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def apply_settings(self, settings: Settings) -> None:
        """New settings from the host (budgets, threshold and concurrency apply at once)."""
        self.services.settings = settings
        self.generation.apply_settings(settings)

    def reset_connection(self, then: Callable[[], None] | None = None) -> bool:
        """Drop the fal connection so the next job uses the new key or mode (False while
        jobs run: it happens once they have, then `then` runs)."""
        return self.generation.reset_connection(then)

    # -- generating -------------------------------------------------------------
    def generate(self, specs: list[ModelSpec], request: GenerationRequest) -> None:
        """One request on several models (history, regenerate): fitted to each model."""
        priced = plan_selection(specs, request)  # pure: the prices the user confirms
        self._confirm_then(
            priced,
            lambda yes: self.generation.launch(specs=specs, request=request, unknown_confirmed=yes),
        )

    def submit(self, plan: SelectionPlan) -> None:
        """A tab's press: confirm the price if needed, then launch it as planned."""
        self._confirm_then(plan, lambda yes: self.generation.launch(plan, unknown_confirmed=yes))

    def _confirm_then(self, plan: SelectionPlan, launch: Callable[[bool], None]) -> None:
        if self.project is None:
            self.error_reported.emit("Open a project before generating.")
            return
        if not plan.models:
            return

        def ask(info: ConnectionInfo) -> None:
            threshold = self.services.settings.confirm_above_usd
            known, unknown = batch_total(plan.estimates)
            if not info.offline and needs_confirmation(plan.estimates, threshold):
                answer = QMessageBox.question(
                    self,
                    "Confirm spending",
                    f"This batch costs an estimated ${known:.2f}"
                    + (f" plus {unknown} model(s) of unknown price" if unknown else "")
                    + ". Generate?",
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return
            # Reaching here with unknown prices means the user said yes to them.
            launch(bool(unknown))

        self.generation.prepare(ask, self.error_reported.emit)

    # -- library ------------------------------------------------------------------
    def _on_media_added(self, item: MediaItem) -> None:
        self.library_panel.add_item(item)
        self._announce(item)

    def _announce(self, item: MediaItem) -> None:
        """media_added, once per item, however it reached the panel."""
        if item.id not in self._announced:
            self._announced.add(item.id)
            self.media_added.emit(item)

    def _on_media_updated(self, item: MediaItem) -> None:
        self.library_panel.update_item(item)
        self.media_changed.emit(item)

    def _on_imported(self, items: list[MediaItem]) -> None:
        for item in items:
            self._announce(item)

    def _on_selected(self, item: MediaItem) -> None:
        if self.preview.isVisible():
            self.preview.show_item(item)

    def _preview(self, item: MediaItem) -> None:
        self.preview.show_item(item)
        self.preview.toggle_play()

    def _on_lower_tab(self, index: int) -> None:
        if index == self.lower_tabs.indexOf(self.history):
            self.history.refresh()

    # -- derive, history ---------------------------------------------------------
    def derive(self, action: str, item: MediaItem) -> None:
        """A library action that starts from a clip: fill a tab, or regenerate at once."""
        if action == "remix" and self.project is not None and item.request_id:
            # Sora results carry a video id in fal's result JSON, kept in the journal.
            self.generation.remix_video_id(
                item.request_id, lambda found: self._derive(action, item, found)
            )
            return
        self._derive(action, item, None)

    def _derive(self, action: str, item: MediaItem, sora_video_id: str | None) -> None:
        try:
            plan = plan_derive(action, item, sora_video_id)
        except QcutError as exc:
            self.error_reported.emit(exc.user_text())
            return
        tab = self.generate_tabs[plan.category]
        if plan.run_now and plan.request is not None:
            self.generate([load_catalog().get(m) for m in plan.model_ids], plan.request)
            return
        if plan.request is not None:
            tab.load_request(plan.model_ids, plan.request)
        for role, path in plan.inputs.items():
            tab.set_input(role, path)
        self.tabs.setCurrentWidget(tab)

    def _run_again(self, model_ids: list[str], request: GenerationRequest) -> None:
        self.generate([load_catalog().get(m) for m in model_ids], request)

    def _edit_and_run(self, model_ids: list[str], request: GenerationRequest) -> None:
        tab = self.generate_tabs[load_catalog().get(model_ids[0]).category]
        tab.load_request(model_ids, request)
        self.tabs.setCurrentWidget(tab)

    # -- layout --------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        """Narrow dock: short tab titles, no preview pane; wide: everything."""
        super().resizeEvent(event)
        compact = event.size().width() < COMPACT_WIDTH
        if compact == self._compact:
            return
        self._compact = compact
        for index, (_category, title, short) in enumerate(TAB_TITLES):
            self.tabs.setTabText(index, short if compact else title)
        self.preview.setVisible(not compact)
        self.library_panel.details.setVisible(not compact)

    def _show_error(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(True)

    def shutdown(self) -> None:
        """Stop workers; paid jobs stay in the journal for the next start."""
        self.generation.shutdown()
        self.library_panel.shutdown()
        self.spend.shutdown()
        for builder in self.builders:
            builder.shutdown()
        self.services.runners.shutdown()
