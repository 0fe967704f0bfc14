"""The library's context menu and the actions behind it: copy, rename, tag, rate, derive, remove.

Dialogs open window-modal with `open()` (never a nested event loop), and every
database write goes to the LibraryService's workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from qcut_ai.jobs.library_queries import MEDIA_SUFFIXES
from qcut_ai.jobs.library_service import LibraryService
from qcut_ai.ui.library.derive_actions import DERIVE_LABELS, derive_actions
from qcut_ai.ui.library.item_text import parse_tags
from qcut_ai.ui.library.model import EMPTY_NAME

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem


class LibraryActions(QObject):
    """Builds the context menu for selected items and carries out what it offers.

    Signals:
        preview_requested(object): a MediaItem to preview
        derive_requested(str, object): a derive action name and its MediaItem
        files_chosen(object): list[Path] picked in the Import… dialog
        error_reported(str): a one-sentence error
    """

    preview_requested = Signal(object)
    derive_requested = Signal(str, object)
    compare_requested = Signal(object)  # list[MediaItem]: set side by side
    files_chosen = Signal(object)
    error_reported = Signal(str)

    def __init__(self, service: LibraryService, host: QWidget) -> None:
        super().__init__(host)
        self.service = service
        self.host = host
        self.known_tags: list[str] = []
        self.dialog: QDialog | None = None  # the dialog waiting for an answer, if any
        # Entries other modules add to the menu (bins, colour labels, export), in order.
        self.menu_extensions: list[Callable[[QMenu, list[MediaItem]], None]] = []
        # Opens an editor in place on an item's "name" or "tags" (the panel's active view);
        # True when it did. The dialogs remain for when it cannot (several items' tags).
        self.inline_editor: Callable[[MediaItem, str], bool] | None = None

    # -- the menu ---------------------------------------------------------------
    def popup(self, items: Sequence[MediaItem], global_pos: QPoint) -> None:
        if items:
            menu = self.build_menu(items)
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(global_pos)

    def build_menu(self, items: Sequence[MediaItem]) -> QMenu:
        """The context menu for `items` (the first one is the item single-item actions use)."""
        menu = QMenu(self.host)
        menu.setObjectName("libraryMenu")
        first, chosen = items[0], list(items)

        def add(
            name: str, text: str, slot: Callable[[], None], enabled: bool = True, shortcut: str = ""
        ) -> QAction:
            action = QAction(text, menu)
            action.setObjectName(name)
            action.setEnabled(enabled)
            if shortcut:
                action.setShortcut(shortcut)  # shown as a hint; the view handles the key
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            menu.addAction(action)
            return action

        ready = not first.missing
        add("actionPreview", "Preview", lambda: self.preview_requested.emit(first), ready, "Space")
        add("actionReveal", "Show in File Manager", lambda: self.reveal(first))
        add("actionCopyPrompt", "Copy Prompt", lambda: self.copy(first.prompt), bool(first.prompt))
        add(
            "actionCopyRequestId",
            "Copy Request ID",
            lambda: self.copy(first.request_id),
            bool(first.request_id),
        )
        if 2 <= len(chosen) <= 6:
            add(
                "actionCompare", "Compare Side by Side", lambda: self.compare_requested.emit(chosen)
            )
        derive = derive_actions(first)
        if derive:
            menu.addSeparator()
        for action_name in derive:
            add(
                f"actionDerive_{action_name}",
                DERIVE_LABELS[action_name],
                self._derive_slot(action_name, first),
            )
        menu.addSeparator()
        add("actionRename", "Rename", lambda: self.rename(first), shortcut="F2")
        self._tag_menu(menu, chosen)
        rate = menu.addMenu("Rating")
        rate.setObjectName("ratingMenu")
        for stars in range(6):
            action = QAction("No rating" if stars == 0 else "★" * stars, rate)
            action.setObjectName(f"actionRate{stars}")
            action.setCheckable(True)
            action.setChecked(first.rating == stars)
            action.triggered.connect(lambda _c=False, s=stars: self.rate(chosen, s))
            rate.addAction(action)
        favourite = add("actionFavourite", "Favourite", lambda: None)
        favourite.setCheckable(True)
        favourite.setChecked(all(i.favourite for i in chosen))
        favourite.toggled.connect(lambda on: self.service.set_favourite([i.id for i in chosen], on))
        for extend in self.menu_extensions:
            extend(menu, chosen)
        menu.addSeparator()
        if any(i.missing for i in chosen):
            add("actionRelink", "Relink Missing Files…", self.choose_relink_folder)
        add(
            "actionRemove",
            "Remove from Library…",
            lambda: self.confirm_remove(chosen, False),
            shortcut="Del",
        )
        add(
            "actionTrash",
            "Remove and Move File to Trash…",
            lambda: self.confirm_remove(chosen, True),
            any(not i.missing for i in chosen),
        )
        return menu

    def _derive_slot(self, action: str, item: MediaItem) -> Callable[[], None]:
        return lambda: self.derive_requested.emit(action, item)

    def _tag_menu(self, menu: QMenu, items: list[MediaItem]) -> None:
        tags = menu.addMenu("Tags")
        tags.setObjectName("tagMenu")
        edit = QAction("Edit Tags" if len(items) == 1 else "Edit Tags…", tags)
        edit.setObjectName("actionTags")
        edit.triggered.connect(lambda: self.edit_tags(items))
        tags.addAction(edit)
        if self.known_tags:
            tags.addSeparator()
        for tag in self.known_tags:
            action = QAction(tag, tags)
            action.setObjectName(f"actionTag_{tag}")
            action.setCheckable(True)
            action.setChecked(all(tag in i.tags for i in items))
            action.triggered.connect(lambda on, t=tag: self.toggle_tag(items, t, on))
            tags.addAction(action)

    # -- what the actions do ------------------------------------------------------
    def copy(self, text: str | None) -> None:
        if text:
            QGuiApplication.clipboard().setText(text)

    def reveal(self, item: MediaItem) -> None:
        folder = Path(item.path).parent
        if not folder.is_dir():
            self.error_reported.emit(f"The folder {folder} no longer exists: use Relink.")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def rate(self, items: Sequence[MediaItem], stars: int) -> None:
        self.service.set_rating([i.id for i in items], stars)

    def toggle_tag(self, items: Sequence[MediaItem], tag: str, on: bool) -> None:
        for item in items:
            kept = [t for t in item.tags if t.casefold() != tag.casefold()]
            self.service.set_tags([item.id], [*kept, tag] if on else kept)

    def rename(self, item: MediaItem) -> None:
        if self.inline_editor is not None and self.inline_editor(item, "name"):
            return
        dialog = QInputDialog(self.host)
        dialog.setObjectName("renameDialog")
        dialog.setWindowTitle("Rename")
        dialog.setLabelText("Name shown in the library (the file keeps its name):")
        dialog.setTextValue(item.display_name)

        def chosen(text: str) -> None:
            if not text.strip():
                self.error_reported.emit(EMPTY_NAME)
            elif text.strip() != item.display_name:
                self.service.rename(item.id, text)

        dialog.textValueSelected.connect(chosen)
        self._open(dialog)

    def edit_tags(self, items: Sequence[MediaItem]) -> None:
        inline = self.inline_editor
        if len(items) == 1 and inline is not None and inline(items[0], "tags"):
            return
        dialog = QInputDialog(self.host)
        dialog.setObjectName("tagsDialog")
        dialog.setWindowTitle("Tags")
        dialog.setLabelText("Tags, separated by commas:")
        dialog.setTextValue(", ".join(items[0].tags))
        ids = [i.id for i in items]
        dialog.textValueSelected.connect(lambda text: self.service.set_tags(ids, parse_tags(text)))
        self._open(dialog)

    def confirm_remove(self, items: Sequence[MediaItem], delete_file: bool | None) -> None:
        """Ask before removing; `delete_file=None` lets the user choose library-only or trash."""
        if not items:
            return
        ids = [i.id for i in items]
        what = f"“{items[0].display_name}”" if len(items) == 1 else f"{len(items)} items"
        box = QMessageBox(self.host)
        box.setObjectName("removeDialog")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Remove from library")
        box.setText(f"Remove {what} from the library?")
        keep = trash = None
        if delete_file is not True:
            keep = box.addButton("Remove from Library", QMessageBox.ButtonRole.AcceptRole)
            keep.setObjectName("removeKeepFile")
        if delete_file is not False:
            trash = box.addButton("Move File to Trash", QMessageBox.ButtonRole.DestructiveRole)
            trash.setObjectName("removeTrashFile")
            box.setInformativeText("Moving to the trash also removes the file from disk.")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)

        def answered(button: object) -> None:
            if button is keep:
                self.service.remove(ids, delete_file=False)
            elif button is trash:
                self.service.remove(ids, delete_file=True)

        box.buttonClicked.connect(answered)
        self._open(box)

    def choose_relink_folder(self) -> None:
        dialog = QFileDialog(self.host, "Choose the folder the missing files moved to")
        dialog.setObjectName("relinkDialog")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(lambda folder: self.service.relink(Path(folder)))
        self._open(dialog)

    def choose_import_files(self) -> None:
        dialog = QFileDialog(self.host, "Import media files")
        dialog.setObjectName("importDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        patterns = " ".join(f"*{suffix}" for suffix in MEDIA_SUFFIXES)
        dialog.setNameFilters([f"Media ({patterns})", "All files (*)"])
        dialog.filesSelected.connect(lambda files: self.files_chosen.emit([Path(f) for f in files]))
        self._open(dialog)

    def _open(self, dialog: QDialog) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
