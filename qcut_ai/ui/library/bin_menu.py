"""The library menu's bin entries: colour label, move to a bin, undo the move, export.

Kept apart from menu.py's own entries: `add_bin_entries` is the one hook the
menu calls, after its rating and favourite entries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from qcut_ai.core.bins import COLOUR_LABELS, Bin
from qcut_ai.core.project import ProjectPaths
from qcut_ai.jobs.bin_service import BinService
from qcut_ai.jobs.library_export import ExportOutcome, export_formats, export_items, format_of
from qcut_ai.jobs.tasks import Runners

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem


def swatch(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class BinMenu(QObject):
    """Adds the bin entries to the library menu and carries them out.

    Signals:
        export_finished(object): the ExportOutcome of an Export…
        error_reported(str): a one-sentence error
    """

    export_finished = Signal(object)
    error_reported = Signal(str)

    def __init__(self, bins: BinService, runners: Runners, host: QWidget) -> None:
        super().__init__(host)
        self.bins = bins
        self.runners = runners
        self.host = host
        self.project: Callable[[], ProjectPaths | None] = lambda: None
        self.dialog: QFileDialog | None = None

    def add_bin_entries(self, menu: QMenu, items: Sequence[MediaItem]) -> None:
        chosen = list(items)
        menu.addSeparator()
        self._colour_menu(menu, chosen)
        self._move_menu(menu, chosen)
        undo = QAction("Undo Move to Bin", menu)
        undo.setObjectName("actionUndoMove")
        undo.setEnabled(self.bins.can_undo)
        undo.triggered.connect(self.bins.undo_move)
        menu.addAction(undo)
        export = QAction("Export…", menu)
        export.setObjectName("actionExport")
        export.triggered.connect(lambda: self.choose_export(chosen))
        menu.addAction(export)

    def _colour_menu(self, menu: QMenu, items: list[MediaItem]) -> None:
        colours = menu.addMenu("Colour Label")
        colours.setObjectName("colourMenu")
        ids = [i.id for i in items]
        for name, value in [("No Colour", None), *((n, n) for n in COLOUR_LABELS)]:
            action = QAction(name, colours)
            action.setObjectName(f"actionColour_{value or 'none'}")
            if value is not None:
                action.setIcon(swatch(COLOUR_LABELS[value]))
            action.setCheckable(True)
            action.setChecked(all(i.colour == value for i in items))
            action.triggered.connect(lambda _c=False, v=value: self.bins.set_colour(ids, v))
            colours.addAction(action)

    def _move_menu(self, menu: QMenu, items: list[MediaItem]) -> None:
        move = menu.addMenu("Move to Bin")
        move.setObjectName("moveMenu")
        targets: list[tuple[str, int | None]] = [("Top Level (no bin)", None)]
        targets += [(b.name, b.id) for b in self.bins.bins]
        for text, bin_id in targets:
            action = QAction(text, move)
            action.setObjectName(f"actionMoveTo_{bin_id if bin_id is not None else 'top'}")
            action.setCheckable(True)
            action.setChecked(all(i.bin_id == bin_id for i in items))
            action.triggered.connect(lambda _c=False, b=bin_id: self.bins.move(items, b))
            move.addAction(action)
        move.addSeparator()
        new = QAction("New Bin with These Clips", move)
        new.setObjectName("actionMoveToNewBin")
        new.triggered.connect(lambda: self._into_new_bin(items))
        move.addAction(new)

    def _into_new_bin(self, items: list[MediaItem]) -> None:
        from qcut_ai.ui.library.bin_list import new_bin_name

        name = new_bin_name(self.bins.bins)

        def made(created: Bin) -> None:
            if created.name == name:  # not another bin made meanwhile
                self.bins.bin_created.disconnect(made)
                self.bins.move(items, created.id)

        # A failed create leaves `made` waiting; it only ever acts on a bin of this name.
        self.bins.bin_created.connect(made)
        self.bins.create(name)

    # -- Export… -------------------------------------------------------------------
    def choose_export(self, items: Sequence[MediaItem]) -> None:
        """Ask where to write the items (and which format), then export in a worker."""
        ids = [i.id for i in items]
        dialog = QFileDialog(self.host, "Export clips for an editor")
        dialog.setObjectName("exportDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        formats = export_formats()
        dialog.setNameFilters([f.name_filter for f in formats])
        dialog.setDefaultSuffix(formats[0].suffix.lstrip("."))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(
            lambda path: self.export(ids, Path(path), dialog.selectedNameFilter())
        )
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def export(self, media_ids: Sequence[int], out: Path, name_filter: str = "") -> None:
        project = self.project()
        if project is None:
            self.error_reported.emit("Open a project before exporting clips.")
            return
        fmt = format_of(name_filter, out).value
        ids = list(media_ids)
        self.runners.media.start(
            lambda _abort, _progress: export_items(project, ids, fmt, out),
            self._exported,
            self._failed,
            receiver=self,
            name="export clips",
        )

    def _failed(self, text: str) -> None:
        self.error_reported.emit(text)

    def _exported(self, outcome: ExportOutcome) -> None:
        self.export_finished.emit(outcome)
        if outcome.error is not None:
            self.error_reported.emit(outcome.error)
            return
        box = QMessageBox(self.host)
        box.setObjectName("exportDone")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowTitle("Export")
        box.setText(f"Wrote {outcome.clips} clip(s) to {outcome.path}.")
        if outcome.notes:
            box.setIcon(QMessageBox.Icon.Warning)
            box.setInformativeText("\n".join(outcome.notes))
        box.open()
