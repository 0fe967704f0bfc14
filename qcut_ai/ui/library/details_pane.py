"""The details pane beside the library: everything about the selected item."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from qcut_ai.ui.library.item_text import details_html, details_rows

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem


class MediaDetailsPane(QScrollArea):
    """Shows the selected item's full provenance and cost as selectable text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mediaDetails")
        self.setAccessibleName("Media details")
        self.setWidgetResizable(True)
        self.label = QLabel(self)
        self.label.setObjectName("mediaDetailsText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.label)
        self.setWidget(body)
        self.item: MediaItem | None = None
        # The items the library holds in memory, for naming a clip's lineage.
        self.loaded: Callable[[], Sequence[MediaItem]] = tuple
        self.show_item(None)

    def show_item(self, item: MediaItem | None) -> None:
        self.item = item
        if item is None:
            self.label.setText("<i>Select a clip to see where it came from.</i>")
        else:
            self.label.setText(details_html(item, self.loaded()))

    def text(self) -> str:
        """The pane's content as plain text (for tests and accessibility)."""
        if self.item is None:
            return ""
        lines = [self.item.display_name]
        rows = details_rows(self.item, self.loaded())
        lines += [f"{label}: {text}" for label, text in rows]
        return "\n".join(lines)
