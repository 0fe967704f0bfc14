"""MediaPanel: the embeddable AI media panel.

A host editor constructs it with a PanelServices, calls `open_project(path)`
and listens to its signals. The panel composes the widgets, shows prices and
asks for confirmation; the generation service (qcut_ai.jobs.generation) does
everything that touches fal, the journal or the library, in workers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.settings import Settings
from qcut_ai.core.timeline import InOut
from qcut_ai.jobs.generation import ConnectionFactory, ConnectionInfo, GenerationService
from qcut_ai.jobs.tasks import Runners
from qcut_ai.ui.catalog_notice import CatalogNotice
from qcut_ai.ui.compare.launcher import CompareLauncher
from qcut_ai.ui.generate.tabs import GenerateTabs
from qcut_ai.ui.jobs.history_view import HistoryView
from qcut_ai.ui.jobs.job_list import JobListWidget, confirm_uncertain_retry
from qcut_ai.ui.jobs.spend import SpendSummary
from qcut_ai.ui.library.panel import LibraryPanel
from qcut_ai.ui.library.preview_derive import PreviewContext, PreviewDeriveBar
from qcut_ai.ui.panel_layout import COMPACT_WIDTH, build_sections
from qcut_ai.ui.panel_state import panel_state, restore_panel_state
from qcut_ai.ui.player.library_keys import BinTransportKeys
from qcut_ai.ui.player.preview_player import PreviewPlayer
from qcut_ai.ui.project_banner import ProjectBanner
from qcut_ai.ui.wheel_guard import WheelGuard

if TYPE_CHECKING:
    # The catalogue and the request rules load after the window's first paint.
    from qcut_ai.core.catalog import ModelSpec
    from qcut_ai.core.derive import DerivePlan
    from qcut_ai.core.media import MediaItem
    from qcut_ai.core.requests import GenerationRequest
    from qcut_ai.core.selection import SelectionPlan
    from qcut_ai.ui.generate.tab import GenerateTab

log = logging.getLogger(__name__)


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
        self._compact: bool | None = None
        self._arranged = False  # a saved or default split has been applied
        self._fit_without_tab = False  # the default split was made before a tab was built
        self.generation = GenerationService(
            services.settings, services.thumbnails_dir, services.connect, runners, self
        )
        self.jobs = self.generation.manager

        self.project_banner = ProjectBanner(runners, services.thumbnails_dir, self)
        self.banner, self.rebuild_button = (
            self.project_banner.label,
            self.project_banner.rebuild_button,
        )
        self.project_banner.library_rebuilt.connect(self._rebuilt)
        self.project_banner.error_reported.connect(self.error_reported)
        self.spend = SpendSummary(self, runner=runners.database, network=runners.network)
        self.catalog_notice = CatalogNotice(self)

        self.tabs = GenerateTabs(runners, self.generation.enhancer(), self)
        self.tabs.batch_requested.connect(self.submit)
        self.tabs.tab_built.connect(self._on_tab_built)
        self.generate_tabs, self.builders = self.tabs.generate_tabs, self.tabs.builders

        self.job_list = JobListWidget(self, model=self.generation.model)
        self.jobs.batch_progress.connect(self.job_list.set_batch_progress)
        self.jobs.media_added.connect(self._on_media_added)
        self.jobs.media_updated.connect(self._on_media_updated)
        self.jobs.job_finished.connect(self.spend.job_finished)
        self.spend.attach(self.generation.connection)
        self.generation.jobs_started.connect(lambda _jobs: self.spend.refresh_balance())
        self.job_list.cancel_requested.connect(self.jobs.cancel)
        self.job_list.cancel_queued_requested.connect(self.jobs.cancel_queued)
        self.job_list.cancel_all_requested.connect(self.jobs.cancel_all)
        self.job_list.retry_requested.connect(self.retry_job)
        self.generation.error_reported.connect(self.error_reported)
        self.generation.foreign.media_added.connect(self._on_media_added)
        self.jobs.job_finished.connect(self.project_banner.job_finished)
        self.generation.notice.connect(self.project_banner.say)

        self.library_panel = LibraryPanel(services.thumbnails_dir, self, runners=runners)
        lib = self.library_panel
        lib.item_selected.connect(self.media_selected)
        lib.item_selected.connect(self._on_selected)
        lib.item_activated.connect(self.media_activated)
        lib.items_dragged.connect(self.media_dragged)
        lib.error_reported.connect(self.error_reported)
        lib.preview_requested.connect(self._preview)
        lib.derive_requested.connect(self.derive)
        lib.item_entered.connect(self.media_added)
        # Short names kept for hosts and tests that reach into the library.
        self.library, self.model, self.view = lib.service, lib.model, lib.view
        self.search = lib.search
        self.history = HistoryView(self, runner=runners.database)
        self.history.run_again_requested.connect(self._run_again)
        self.history.edit_requested.connect(self._edit_and_run)
        self.history.load_failed.connect(self.error_reported)
        self.preview = PreviewPlayer(self, runner=runners.media)
        self.preview_derive = PreviewDeriveBar(self.preview)  # extend… the clip in the preview
        self.preview_derive.derive_requested.connect(self._derive_from_preview)
        self.compare = CompareLauncher(self)
        self._build_layout()
        self.wheel_guard = WheelGuard(self)
        self.bin_keys = BinTransportKeys(self.view, self.preview)
        self.error_reported.connect(self._show_error)

    @property
    def text_tab(self) -> GenerateTab:
        """The Text to Video tab (built on first need: see GenerateTabs)."""
        return self.tabs.text_tab

    def _build_layout(self) -> None:
        self.sections = build_sections(
            self,
            generator=self.tabs,
            jobs=self.job_list,
            library=self.library_panel,
            history=self.history,
            preview=self.preview,
            details=self.library_panel.details,
        )
        self.splitter = self.sections.splitter
        self.lower_split = self.sections.lower_split
        self.lower_tabs = self.sections.lower_tabs
        self.lower_tabs.currentChanged.connect(self._on_lower_tab)
        self.job_list.history_requested.connect(
            lambda: self.lower_tabs.setCurrentWidget(self.history)
        )
        # The fold toggles sit on the library's tab bar, the edge between the panes.
        self.lower_tabs.setCornerWidget(self.sections.toggle_row, Qt.Corner.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.project_banner)
        layout.addWidget(self.catalog_notice)
        layout.addWidget(self.spend)
        layout.addWidget(self.splitter, 1)

    # -- project ---------------------------------------------------------------
    def open_project(self, path: str | Path, *, resume: bool = True) -> None:
        """Show a project's library; with `resume`, finish its unfinished jobs (exactly once)."""
        self.project = project = ProjectPaths.at(path).ensure()
        self.generation.set_project(project)
        self.library_panel.open(project)
        self.history.set_project(project)
        self.spend.set_project(project)
        self.preview.show_item(None)
        self.project_opened.emit(str(project.root))
        self.project_banner.check(project)
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

    def rebuild_library(self) -> None:
        """Rebuild the offered project's library from its media folder (as the button)."""
        self.rebuild_button.click()

    def _rebuilt(self, project: ProjectPaths) -> None:
        if self.project == project:
            self.library_panel.open(project)

    def retry_job(self, job_id: str) -> None:
        """Retry; an uncertain submit needs the user's word that paying twice is acceptable."""
        uncertain = self.generation.model.state_of(job_id) is JobState.UNKNOWN
        if not uncertain or confirm_uncertain_retry(self):
            self.generation.retry(job_id, accept_unknown=uncertain)

    def set_mode_text(self, text: str) -> None:
        self.project_banner.set_mode(text)

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
        from qcut_ai.core.selection import plan_selection

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
            from qcut_ai.ui.spend_confirmation import confirm_spending

            if confirm_spending(self, plan, threshold, offline=info.offline):
                # Reaching here with unknown prices means the user said yes to them.
                launch(any(e.usd is None for e in plan.estimates))

        self.generation.prepare(ask, self.error_reported.emit)

    # -- library ------------------------------------------------------------------
    def _on_media_added(self, item: MediaItem) -> None:
        self.library_panel.add_item(item)

    def _on_media_updated(self, item: MediaItem) -> None:
        self.library_panel.update_item(item)
        self.media_changed.emit(item)

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
        self.generation.derive(action, item, self._derived)

    def _derive_from_preview(self, action: str, item: MediaItem, context: PreviewContext) -> None:
        """A preview button: the same action, from the playhead or the marked range."""
        self.generation.derive(
            action, item, self._derived, at_s=context.at_s, marked=context.marked
        )

    def _derived(self, plan: DerivePlan) -> None:
        if plan.run_now and plan.request is not None:
            self._run_again(plan.model_ids, plan.request)
            return
        self.tabs.open_derived(plan)

    def _run_again(self, model_ids: list[str], request: GenerationRequest) -> None:
        from qcut_ai.core.catalog import load_catalog

        self.generate([load_catalog().get(m) for m in model_ids], request)

    def _edit_and_run(self, model_ids: list[str], request: GenerationRequest) -> None:
        self.tabs.open_request(model_ids, request)

    # -- catalogue ----------------------------------------------------------------------
    def check_catalog(self, client_factory: Callable[[], object] | None = None) -> None:
        """Look for new and retired models at fal (at most once a day, only with a key;
        in the network worker). What changed is said above the panel, and the pickers
        list the new catalogue. `client_factory` makes the Platform API client (tests,
        or a host with its own transport)."""
        from qcut_ai.jobs.catalog_tasks import check_catalog  # after the first paint

        check_catalog(
            self.services.runners.network,
            self._catalog_checked,
            lambda text: log.warning("The catalogue check failed: %s", text),
            client_factory=client_factory,  # type: ignore[arg-type]
        )

    def _catalog_checked(self, applied: bool) -> None:
        if not applied:
            return
        from qcut_ai.core.catalog import load_catalog
        from qcut_ai.core.catalog_news import catalog_news

        catalog = load_catalog()
        self.tabs.reload_models()
        self.catalog_notice.say(catalog_news(catalog.last_change, catalog))

    # -- interchange ------------------------------------------------------------------
    def export_otio(
        self,
        ids: list[int],
        done: Callable[[object], None],
        failed: Callable[[str], None] | None = None,
        *,
        as_bin: bool = False,
    ) -> None:
        """Library items `ids` as an OpenTimelineIO object, handed to `done` on the GUI
        thread: a timeline of the clips in order (or, `as_bin`, a collection), each with
        its media, range, rate and provenance. The clip in the preview keeps its In/Out.
        Read in a worker; `failed` (else `error_reported`) gets one sentence."""
        if self.project is None:
            (failed or self.error_reported.emit)("Open a project before exporting.")
            return
        from qcut_ai.jobs.interchange_tasks import selection_otio  # on the first export

        selection_otio(
            self.services.runners.database,
            self.project,
            ids,
            done,
            failed or self.error_reported.emit,
            marks=self.preview_marks(),
            as_bin=as_bin,
        )

    def preview_marks(self) -> dict[int, InOut]:
        """The In/Out marked on the clip in the preview, by its library id."""
        item, marked = self.preview.item, self.preview.marked_range
        if item is None or marked is None:
            return {}
        return {item.id: InOut(marked[0] / 1000, marked[1] / 1000)}

    # -- layout --------------------------------------------------------------------
    def layout_state(self) -> dict[str, object]:
        """Pane sizes, folded sections and the models chosen in each tab, for the host to
        keep (plain JSON values) and hand back to `restore_layout_state` next time."""
        return panel_state(self.sections, self.tabs)

    def restore_layout_state(self, state: dict[str, object]) -> None:
        """Put back a `layout_state()`; anything unreadable is left at its default."""
        if restore_panel_state(self.sections, self.tabs, state):
            self._arranged = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._arranged:
            self._arranged = True
            self._fit_without_tab = not self.generate_tabs.built()
            self._fit_default()

    def _fit_default(self) -> None:
        self.sections.fit_default(
            self.splitter.height() or self.height(), self.lower_split.width() or self.width()
        )

    def _on_tab_built(self, tab: QWidget) -> None:
        # The default split is sized to the generator's content: made while only a
        # placeholder stood there (the tab is built after the first paint), it is
        # made again for the tab, as it would have been had the tab been there.
        if self._fit_without_tab and tab is self.tabs.currentWidget():
            self._fit_without_tab = not self.generate_tabs.built()
            self._fit_default()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Narrow dock: short tab titles, no preview pane; wide: everything."""
        super().resizeEvent(event)
        compact = event.size().width() < COMPACT_WIDTH
        if compact == self._compact:
            return
        self._compact = compact
        self.tabs.set_compact(compact)
        self.job_list.set_compact(compact)
        self.sections.preview_column.setVisible(not compact)

    def _show_error(self, text: str) -> None:
        self.project_banner.show_error(text)

    def shutdown(self) -> None:
        """Stop workers; paid jobs stay in the journal for the next start."""
        self.generation.shutdown()
        self.library_panel.shutdown()
        self.spend.shutdown()
        self.tabs.shutdown()
        self.services.runners.shutdown()
