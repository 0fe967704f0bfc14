"""How the panel's pieces share its space, at every size from a 320 px dock to a 4K window.

The library is the area an editor works in all day, so it gets what the other
sections leave: the generator and the job list sit above it in one vertical
splitter, each can be folded away with its toggle, and the generator scrolls
inside its own pane instead of pushing the library off the bottom. The sizes
the user drags to, and which sections are folded, are a small dict the host
stores (see `MediaPanel.layout_state`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolButton,
    QWidget,
)

# Below this width the panel is "compact": short tab titles, no preview pane.
COMPACT_WIDTH = 520
MIN_WIDTH = 320  # the narrowest dock the panel lays out for without clipping
MIN_HEIGHT = 420
# A fresh layout gives the generator at most this share of the height and the
# job list about this much; the library takes the rest.
GENERATOR_SHARE = 0.38
GENERATOR_FLOOR = 290  # a fresh layout never gives the generator less (if it wants it)
JOBS_SHARE = 0.1
LIBRARY_SHARE = 0.6  # of the lower row's width; the preview takes the rest
JOBS_RANGE = (72, 170)
# Under this height the generator scrolls in its pane instead of squeezing the
# picker below one model and the prompt below three lines.
GENERATOR_MIN_CONTENT = 280
SECTIONS = ("generator", "jobs")


def scrolling(widget: QWidget, parent: QWidget, name: str) -> QScrollArea:
    """`widget` in a vertical-only scroll area: a short pane scrolls rather than clips."""
    area = QScrollArea(parent)
    area.setObjectName(name)
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setMinimumHeight(96)
    return area


def section_toggle(title: str, parent: QWidget) -> QToolButton:
    button = QToolButton(parent)
    button.setText(title)
    button.setAccessibleName(f"Show {title.lower()}")
    button.setToolTip(f"Show or fold away the {title.lower()}")
    button.setCheckable(True)
    button.setChecked(True)
    button.setAutoRaise(True)
    button.setObjectName(f"toggle{title.replace(' ', '')}")
    return button


@dataclass
class PanelSections:
    """The splitters and toggles `MediaPanel` lays its widgets into."""

    splitter: QSplitter
    lower_split: QSplitter
    lower_tabs: QTabWidget
    generator: QScrollArea
    generator_content: QWidget
    jobs: QWidget
    toggles: dict[str, QToolButton]
    toggle_row: QWidget
    preview_column: QSplitter  # the preview over the clip's details

    def pane(self, section: str) -> QWidget:
        return self.generator if section == "generator" else self.jobs

    def set_visible(self, section: str, visible: bool) -> None:
        self.pane(section).setVisible(visible)
        toggle = self.toggles[section]
        if toggle.isChecked() != visible:
            toggle.setChecked(visible)

    def is_visible(self, section: str) -> bool:
        return self.toggles[section].isChecked()

    def fit_default(self, height: int, width: int) -> None:
        """Sizes for a layout nobody has arranged yet: the library gets the most. Set
        explicitly, so a pane whose content changes (a clip shown in the preview) never
        pulls the dividers after it."""
        wanted = self.generator_content.sizeHint().height() + 4
        generator = min(wanted, max(GENERATOR_FLOOR, int(height * GENERATOR_SHARE)))
        jobs = max(JOBS_RANGE[0], min(JOBS_RANGE[1], int(height * JOBS_SHARE)))
        self.splitter.setSizes([generator, jobs, max(0, height - generator - jobs)])
        library = round(width * LIBRARY_SHARE)
        self.lower_split.setSizes([library, max(0, width - library)])

    def state(self) -> dict[str, object]:
        return {
            "splitter": self.splitter.sizes(),
            "lower": self.lower_split.sizes(),
            "hidden": [s for s in SECTIONS if not self.is_visible(s)],
        }

    def restore(self, state: dict[str, object]) -> bool:
        """Apply a saved `state()`; False (nothing changed) when it is not one."""
        sizes, lower = state.get("splitter"), state.get("lower")
        if not (_sizes(sizes, 3) and _sizes(lower, 2)):
            return False
        assert isinstance(sizes, list) and isinstance(lower, list)
        self.splitter.setSizes([int(v) for v in sizes])
        self.lower_split.setSizes([int(v) for v in lower])
        hidden = state.get("hidden")
        for section in SECTIONS:
            self.set_visible(section, not (isinstance(hidden, list) and section in hidden))
        return True


def _sizes(value: object, count: int) -> bool:
    return (
        isinstance(value, list)
        and len(value) == count
        and all(isinstance(v, int) and v >= 0 for v in value)
    )


def build_sections(
    panel: QWidget,
    *,
    generator: QWidget,
    jobs: QWidget,
    library: QWidget,
    history: QWidget,
    preview: QWidget,
    details: QWidget,
) -> PanelSections:
    """Lay the panel's widgets into a generator / jobs / library column; the clip's
    details sit under its preview, so the grid keeps the library's whole height."""
    lower_tabs = QTabWidget(panel)
    lower_tabs.setObjectName("libraryTabs")
    lower_tabs.setDocumentMode(True)
    lower_tabs.addTab(library, "Library")
    lower_tabs.addTab(history, "History")
    right = QSplitter(Qt.Orientation.Vertical, panel)
    right.setObjectName("previewColumn")
    right.addWidget(preview)
    right.addWidget(details)
    right.setStretchFactor(0, 3)
    right.setStretchFactor(1, 1)
    right.setChildrenCollapsible(False)
    lower = QSplitter(Qt.Orientation.Horizontal, panel)
    lower.setObjectName("librarySplitter")
    lower.addWidget(lower_tabs)
    lower.addWidget(right)
    lower.setStretchFactor(0, 3)
    lower.setStretchFactor(1, 2)
    lower.setChildrenCollapsible(False)
    # Fixed minimums: a long name or prompt shown in a pane must not push the divider.
    lower_tabs.setMinimumWidth(240)
    right.setMinimumWidth(160)

    generator.setMinimumHeight(GENERATOR_MIN_CONTENT)
    generator_pane = scrolling(generator, panel, "generatorPane")
    split = QSplitter(Qt.Orientation.Vertical, panel)
    split.setObjectName("panelSplitter")
    split.addWidget(generator_pane)
    split.addWidget(jobs)
    split.addWidget(lower)
    for index, stretch in enumerate((0, 0, 1)):
        split.setStretchFactor(index, stretch)
    split.setChildrenCollapsible(False)
    jobs.setMinimumHeight(JOBS_RANGE[0])
    # The panel decides its own minimum: a long file name or error in a child must
    # never widen the dock (selecting a clip used to resize the panes around it).
    panel.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
    panel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    row = QWidget(panel)
    row.setObjectName("sectionToggles")
    toggles = {
        "generator": section_toggle("Generator", row),
        "jobs": section_toggle("Jobs", row),
    }
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    for toggle in toggles.values():
        layout.addWidget(toggle)
    sections = PanelSections(
        split, lower, lower_tabs, generator_pane, generator, jobs, toggles, row, right
    )
    for section, toggle in toggles.items():
        toggle.toggled.connect(lambda visible, s=section: sections.pane(s).setVisible(visible))
    return sections
