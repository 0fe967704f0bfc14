"""The bin list beside the grid: choose what to show, make, rename and delete bins, drop clips.

Rows: "All media", "Not in a bin" (the top level), then each bin by name.
Dropping clips of the library (the media MIME payload) on a bin moves them
there; the same payload still carries them to the timeline.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QMenu, QWidget

from qcut_ai.core.bins import TOP_LEVEL, Bin, clean_bin_name
from qcut_ai.ui.mime import decode_items

BinRole = Qt.ItemDataRole.UserRole + 1  # the bin id, TOP_LEVEL, or None for everything
ALL_MEDIA, NOT_IN_A_BIN = "All media", "Not in a bin"


def new_bin_name(bins: list[Bin]) -> str:
    """ "New Bin", or "New Bin 2", 3… when that name is taken."""
    taken = {b.name.casefold() for b in bins}
    n, name = 1, "New Bin"
    while name.casefold() in taken:
        n += 1
        name = f"New Bin {n}"
    return name


class BinList(QListWidget):
    """The project's bins, as a list to choose the shown bin from and drop clips onto.

    Signals:
        bin_chosen(object): the bin id to show, TOP_LEVEL, or None for all media
        create_requested(str): a name for a new bin
        rename_requested(int, str): a bin id and the new name typed in place
        delete_requested(int): a bin id
        items_dropped(object, object): list[int] of media ids, and the bin id (None: top level)
        error_reported(str): a one-sentence error (a bad name typed in place)
    """

    bin_chosen = Signal(object)
    create_requested = Signal(str)
    rename_requested = Signal(int, str)
    delete_requested = Signal(int)
    items_dropped = Signal(object, object)
    error_reported = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryBins")
        self.setAccessibleName("Bins")
        self.bins: list[Bin] = []
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self._filling = False
        self.set_bins([])
        self.currentItemChanged.connect(self._chosen)
        self.itemChanged.connect(self._renamed)

    def shown_bin(self) -> int | None:
        item = self.currentItem()
        return item.data(BinRole) if item is not None else None

    def set_bins(self, bins: list[Bin]) -> None:
        """Show `bins`, keeping the chosen row (back to all media when its bin is gone)."""
        chosen = self.shown_bin()
        self.bins = list(bins)
        self._filling = True
        self.blockSignals(True)
        try:
            self.clear()
            self._add(ALL_MEDIA, None, editable=False)
            self._add(NOT_IN_A_BIN, TOP_LEVEL, editable=False)
            for b in self.bins:
                self._add(f"{b.name}", b.id, editable=True, count=b.count)
            rows = [self.item(r).data(BinRole) for r in range(self.count())]
            self.setCurrentRow(rows.index(chosen) if chosen in rows else 0)
        finally:
            self.blockSignals(False)
            self._filling = False
        if self.shown_bin() != chosen:
            self.bin_chosen.emit(self.shown_bin())

    def row_of_bin(self, bin_id: int | None) -> int | None:
        return next((r for r in range(self.count()) if self.item(r).data(BinRole) == bin_id), None)

    def _add(self, text: str, bin_id: int | None, *, editable: bool, count: int = 0) -> None:
        item = QListWidgetItem(text, self)
        item.setData(BinRole, bin_id)
        item.setToolTip(f"{text}: {count} item{'s' if count != 1 else ''}" if editable else text)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        flags |= Qt.ItemFlag.ItemIsDropEnabled
        if editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        item.setFlags(flags)

    # -- making, renaming, deleting ------------------------------------------------
    def create_bin(self) -> None:
        self.create_requested.emit(new_bin_name(self.bins))

    def rename(self, bin_id: int) -> None:
        """Open the name of bin `bin_id` for editing in place (Enter keeps, Esc cancels)."""
        row = self.row_of_bin(bin_id)
        if row is not None and bin_id not in (None, TOP_LEVEL):
            self.editItem(self.item(row))

    def _renamed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        bin_id = item.data(BinRole)
        old = next((b.name for b in self.bins if b.id == bin_id), None)
        if old is None or item.text() == old:
            return
        try:
            name = clean_bin_name(item.text())
        except ValueError as exc:
            self.error_reported.emit(str(exc))
            self._set_text(item, old)
            return
        self._set_text(item, name)
        self.rename_requested.emit(int(bin_id), name)

    def _set_text(self, item: QListWidgetItem, text: str) -> None:
        self._filling = True
        try:
            item.setText(text)
        finally:
            self._filling = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        bin_id = self.shown_bin()
        if event.key() == Qt.Key.Key_Delete and bin_id not in (None, TOP_LEVEL):
            self.delete_requested.emit(int(bin_id))
            return
        super().keyPressEvent(event)

    def _menu(self, pos: QPoint) -> None:
        self.build_menu(self.itemAt(pos)).popup(self.viewport().mapToGlobal(pos))

    def build_menu(self, item: QListWidgetItem | None) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("binMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def add(name: str, text: str, slot: Any, enabled: bool = True) -> None:
            action = QAction(text, menu)
            action.setObjectName(name)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
            menu.addAction(action)

        add("actionNewBin", "New Bin", self.create_bin)
        bin_id = item.data(BinRole) if item is not None else None
        own = bin_id not in (None, TOP_LEVEL)
        chosen = int(bin_id or 0)
        add("actionRenameBin", "Rename Bin", lambda: self.rename(chosen), own)
        add(
            "actionDeleteBin",
            "Delete Bin (its clips stay in the library)",
            lambda: self.delete_requested.emit(chosen),
            own,
        )
        return menu

    def _chosen(self, current: QListWidgetItem | None, _previous: Any) -> None:
        if current is not None and not self._filling:
            self.bin_chosen.emit(current.data(BinRole))

    # -- dropping clips on a bin ---------------------------------------------------
    def _target(self, pos: QPoint) -> tuple[bool, int | None]:
        item = self.itemAt(pos)
        if item is None or item.data(BinRole) is None:
            return False, None
        bin_id = item.data(BinRole)
        return True, None if bin_id == TOP_LEVEL else int(bin_id)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if decode_items(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        ok, _ = self._target(event.position().toPoint())
        if ok and decode_items(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    # A copy action, never a move: a move would make the grid drop the dragged rows itself.
    def dropEvent(self, event: QDropEvent) -> None:
        ok, bin_id = self._target(event.position().toPoint())
        ids = [int(i["id"]) for i in decode_items(event.mimeData()) if "id" in i]
        if not ok or not ids:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.items_dropped.emit(ids, bin_id)
