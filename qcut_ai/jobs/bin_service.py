"""Qt facade over the library's bins and colour labels, on the LibraryService's workers.

Every read and write runs on the database runner through the LibraryService
(so in order with its queries and writes); answers come back as signals.
Moving items to a bin remembers where they were, so the move can be undone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from qcut_ai.core.bins import Bin
from qcut_ai.jobs.library_service import LibraryService

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem


class BinService(QObject):
    """Bins of the open project: list, create, rename, delete, move items, colour labels.

    Signals:
        bins_loaded(object): list[Bin], by name
        bin_created(object): the new Bin
        undo_changed(bool): whether a move can be undone
    """

    bins_loaded = Signal(object)
    bin_created = Signal(object)
    undo_changed = Signal(bool)

    def __init__(self, library: LibraryService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.bins: list[Bin] = []
        # Where the items of the latest move were: (media id, bin id or None) pairs.
        self._undo: list[tuple[int, int | None]] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def load(self) -> None:
        if self.library.project is not None:
            from qcut_ai.library.bins import list_bins

            self.library.read(list_bins, self._loaded)

    def create(self, name: str) -> None:
        from qcut_ai.library.bins import create_bin

        self.library.write(lambda repo: create_bin(repo, name), self._created)

    def rename(self, bin_id: int, name: str) -> None:
        from qcut_ai.library.bins import rename_bin

        self.library.write(lambda repo: rename_bin(repo, bin_id, name), lambda _b: self.load())

    def delete(self, bin_id: int) -> None:
        """Delete a bin; its items go back to the top level (no media is deleted)."""
        from qcut_ai.library.bins import delete_bin

        def work(repo: Any) -> list[MediaItem]:
            return list(repo.get_many(delete_bin(repo, bin_id)))

        self.library.write(work, self._changed)

    def move(self, items: Sequence[MediaItem], bin_id: int | None) -> None:
        """Put `items` in a bin (None: the top level), after what it already holds."""
        before = [(i.id, i.bin_id) for i in items if i.bin_id != bin_id]
        if not before:
            return
        ids = [media_id for media_id, _ in before]
        self._undo = before
        self.undo_changed.emit(True)
        from qcut_ai.library.bins import move_to_bin

        self.library.write(lambda repo: move_to_bin(repo, ids, bin_id), self._changed)

    def move_ids(self, media_ids: Sequence[int], bin_id: int | None) -> None:
        """Like `move`, for ids from a drag payload (their items are read in the worker)."""
        ids = list(media_ids)
        from qcut_ai.library.bins import move_to_bin

        def work(repo: Any) -> list[MediaItem]:
            before = repo.get_many(ids)
            self._undo = [(i.id, i.bin_id) for i in before if i.bin_id != bin_id]
            return list(move_to_bin(repo, ids, bin_id))

        self.library.write(work, self._changed)

    def undo_move(self) -> None:
        """Put the items of the latest move back where they were."""
        undo, self._undo = self._undo, []
        self.undo_changed.emit(False)
        if not undo:
            return
        from qcut_ai.library.bins import move_to_bin

        def work(repo: Any) -> list[MediaItem]:
            moved: list[MediaItem] = []
            for bin_id in dict.fromkeys(b for _, b in undo):
                moved += move_to_bin(repo, [m for m, b in undo if b == bin_id], bin_id)
            return moved

        self.library.write(work, self._changed)

    def set_colour(self, media_ids: Sequence[int], colour: str | None) -> None:
        from qcut_ai.library.bins import set_colour

        ids = list(media_ids)
        self.library.write(lambda repo: set_colour(repo, ids, colour), self.library.changed)

    def _loaded(self, bins: list[Bin]) -> None:
        self.bins = list(bins)
        self.bins_loaded.emit(self.bins)

    def _created(self, made: Bin) -> None:
        self.bin_created.emit(made)
        self.load()

    def _changed(self, items: list[MediaItem]) -> None:
        self.undo_changed.emit(self.can_undo)
        self.library.changed(items)  # re-queried when the bin shown gained or lost items
        self.load()
