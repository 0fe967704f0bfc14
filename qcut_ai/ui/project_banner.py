"""The line above the panel: the mode (offline preview), the latest error, and the offer to
rebuild a project's lost library."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from qcut_ai.core.job_state import JobRecord, JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.jobs.library_repair import LibraryCheck, check_library, rebuild_library
from qcut_ai.jobs.tasks import Runners


class ProjectBanner(QWidget):
    """One wrapped line, hidden when empty, with a Rebuild button when one is offered.

    Signals: library_rebuilt(object): the project whose library was rebuilt
    error_reported(str): why a check or a rebuild failed
    """

    library_rebuilt = Signal(object)
    error_reported = Signal(str)

    def __init__(self, runners: Runners, thumbnails: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runners, self._thumbnails = runners, thumbnails
        self._project: ProjectPaths | None = None
        self.label = QLabel(self)
        self.label.setObjectName("modeBanner")
        self.label.setWordWrap(True)
        self.rebuild_button = QPushButton("Rebuild library", self)
        self.rebuild_button.setObjectName("rebuildLibraryButton")
        self.rebuild_button.hide()
        self.rebuild_button.clicked.connect(self._rebuild)
        self._offer: tuple[ProjectPaths, bool] | None = None
        self._mode = ""  # the line the banner falls back to (offline preview)
        self.showing_error = False
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.rebuild_button)

    def say(self, text: str) -> None:
        """Show `text` (a result, a notice); empty hides the line."""
        self.showing_error = False
        self.label.setText(text)
        self.label.setVisible(bool(text))

    def set_mode(self, text: str) -> None:
        """The mode line (offline preview, or none), shown now and after an error clears."""
        self._mode = text
        self.say(text)

    def show_error(self, text: str) -> None:
        """An error stays until a later job succeeds (or something newer is said)."""
        self.say(text)
        self.showing_error = True

    def job_finished(self, record: JobRecord) -> None:
        """A job that succeeded makes an older error stale: fall back to the mode line."""
        if record.state is JobState.DONE and self.showing_error:
            self.say(self._mode)

    def check(self, project: ProjectPaths) -> None:
        """Look at the project's database in a worker; offer a rebuild when it is lost."""
        self._project = project
        self.rebuild_button.hide()
        check_library(
            self._runners,
            project,
            lambda found: self.offer_rebuild(project, found),
            self.error_reported.emit,
        )

    def offer_rebuild(self, project: ProjectPaths, found: LibraryCheck) -> None:
        """Offered, not asked: a modal question on open would stop a host's start-up."""
        if project != self._project or not found.rebuild_offered:
            return
        what = (
            f"The library of {project.root.name} is empty, but its media folder holds "
            f"{found.clips} generated clips."
            if found.state == "healthy"
            else f"The library database of {project.root.name} is damaged, so it was not opened."
        )
        self.say(
            f"{what} It can be rebuilt from the clips' provenance (names, prompts, models, "
            "tags and ratings); the old database is kept beside it."
        )
        self._offer = (project, found.state == "healthy")
        self.rebuild_button.show()

    def _rebuild(self) -> None:
        if self._offer is None:
            return
        (project, force), self._offer = self._offer, None
        self.rebuild_button.hide()
        self.say(f"Rebuilding the library of {project.root.name} from its clips…")

        def done(restored: int) -> None:
            self.say(f"Rebuilt the library: {restored} item(s).")
            self.library_rebuilt.emit(project)

        rebuild_library(
            self._runners, project, self._thumbnails, force, done, self.error_reported.emit
        )
