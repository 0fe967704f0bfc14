"""The library's search and filter bar: search box, type/source/model/tag/rating filters, sort."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.media_query import BEST_MATCH_SCORED, MediaQuery
from qcut_ai.jobs.library_queries import LibraryFacets

SEARCH_DELAY_MS = 200  # one query per pause in typing, not one per key
_KINDS = (("All types", None), ("Videos", "video"), ("Images", "image"), ("Audio", "audio"))
_ORIGINS = (("AI and imported", None), ("AI only", "ai"), ("Imported only", "imported"))
_RATINGS = (("Any rating", None), *((("★" * n) + " or more", n) for n in range(1, 6)))
_SORTS = (
    ("Newest first", "newest"),
    ("Oldest first", "oldest"),
    ("Name", "name"),
    ("Duration", "duration"),
    ("Best match", "rank"),
)


FILTER_WIDTH = 138  # what a filter needs to read "AI and imported" whole


def _combo(parent: QWidget, name: str, label: str, entries: Any) -> QComboBox:
    box = QComboBox(parent)
    box.setObjectName(name)
    box.setAccessibleName(label)
    box.setToolTip(label)
    # Narrow docks: combos shrink to a few characters instead of forcing a wide panel.
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(3)
    for text, value in entries:
        box.addItem(text, value)
    return box


class LibraryFilterBar(QWidget):
    """Search box, filters and sort; emits a MediaQuery whenever they change.

    Signals:
        query_changed(object): the new MediaQuery (search text debounced)
        mode_changed(str): "grid", "list" or "table"
        import_requested(): the Import… button was pressed
    """

    query_changed = Signal(object)
    mode_changed = Signal(str)
    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryFilters")
        self.search = QLineEdit(self)
        self.search.setObjectName("librarySearch")
        self.search.setAccessibleName("Search library")
        self.search.setPlaceholderText("Search prompts, names, models, tags…")
        self.search.setClearButtonEnabled(True)
        self.favourite = self._button("libraryFavouriteFilter", "★", "Favourites only", True)
        self.grid_button = self._button("libraryGridMode", "▦", "Grid view", True)
        self.list_button = self._button("libraryListMode", "☰", "List view", True)
        self.table_button = self._button("libraryTableMode", "▤", "List view with columns", True)
        self.grid_button.setChecked(True)
        self.import_button = self._button("libraryImport", "Import…", "Import files", False)
        self.kind = _combo(self, "libraryKindFilter", "Type", _KINDS)
        self.origin = _combo(self, "libraryOriginFilter", "AI or imported", _ORIGINS)
        self.model = _combo(self, "libraryModelFilter", "Model", (("All models", None),))
        self.tag = _combo(self, "libraryTagFilter", "Tag", (("All tags", None),))
        self.rating = _combo(self, "libraryRatingFilter", "Rating", _RATINGS)
        self.sort = _combo(self, "librarySort", "Sort", _SORTS)
        self.sort.setItemData(
            self.sort.findData("rank"),
            f"The most relevant of the newest {BEST_MATCH_SCORED:,} matches first; "
            "older matches follow, newest first",
            Qt.ItemDataRole.ToolTipRole,
        )

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        modes = (self.grid_button, self.list_button, self.table_button)
        for button in (self.favourite, *modes, self.import_button):
            top.addWidget(button)
        # The six filters flow: one row when the bar is wide, three or two per row
        # when narrow, so none is cut to "AI and imp".
        bottom = QGridLayout()
        bottom.setSpacing(4)
        self._grid = bottom
        self._boxes = (self.kind, self.origin, self.sort, self.model, self.tag, self.rating)
        self._columns = 0
        self._flow(3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self._emit)
        for box in (self.kind, self.origin, self.model, self.tag, self.rating, self.sort):
            box.currentIndexChanged.connect(self._emit)
        self.favourite.toggled.connect(self._emit)
        self.grid_button.clicked.connect(lambda: self.set_mode("grid"))
        self.list_button.clicked.connect(lambda: self.set_mode("list"))
        self.table_button.clicked.connect(lambda: self.set_mode("table"))
        self.import_button.clicked.connect(self.import_requested)

    def _flow(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for box in self._boxes:
            self._grid.removeWidget(box)
        for n, box in enumerate(self._boxes):
            self._grid.addWidget(box, n // columns, n % columns)
        for column in range(len(self._boxes)):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = event.size().width()
        self._flow(6 if width >= FILTER_WIDTH * 6 else 3 if width >= FILTER_WIDTH * 3 else 2)

    def _button(self, name: str, text: str, tip: str, checkable: bool) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setCheckable(checkable)
        return button

    def query(self) -> MediaQuery:
        """The query the bar describes right now."""
        return MediaQuery(
            text=self.search.text(),
            kind=self.kind.currentData(),
            origin=self.origin.currentData(),
            model=self.model.currentData(),
            tag=self.tag.currentData(),
            min_rating=self.rating.currentData(),
            favourite=True if self.favourite.isChecked() else None,
            sort=self.sort.currentData() or "newest",
        )

    def set_mode(self, mode: str) -> None:
        """ "grid" (tiles), "list" (one clip per line) or "table" (columns)."""
        mode = mode if mode in ("grid", "table") else "list"
        self.grid_button.setChecked(mode == "grid")
        self.list_button.setChecked(mode == "list")
        self.table_button.setChecked(mode == "table")
        self.mode_changed.emit(mode)

    def set_facets(self, facets: LibraryFacets) -> None:
        """Offer the models and tags present in the library, keeping the current choice."""
        changed = self._fill(self.model, "All models", facets.models)
        changed = self._fill(self.tag, "All tags", facets.tags) or changed
        if changed:
            self._emit()

    def _fill(self, box: QComboBox, everything: str, values: list[str]) -> bool:
        """Refill `box`; True when its chosen value had to be dropped."""
        current = box.currentData()
        box.blockSignals(True)
        try:
            box.clear()
            box.addItem(everything, None)
            for value in values:
                box.addItem(value, value)
            index = box.findData(current) if current is not None else 0
            box.setCurrentIndex(max(0, index))
        finally:
            box.blockSignals(False)
        return current is not None and index < 0

    def _emit(self) -> None:
        self._timer.stop()
        self.query_changed.emit(self.query())
