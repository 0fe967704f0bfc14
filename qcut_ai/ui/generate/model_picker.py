"""The model picker: one category's models, recommended first, several can be ticked."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QMouseEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core import model_facts
from qcut_ai.core.catalog import ModelSpec, load_catalog
from qcut_ai.ui.generate.model_row import (
    FAVOURITE_ROLE,
    GROUP_ROLE,
    HEADING_ROLE,
    NEW_ROLE,
    PRICE_ROLE,
    SEARCH_ROLE,
    SPEC_ROLE,
    SUMMARY_ROLE,
    ModelRowDelegate,
)

Index = QModelIndex | QPersistentModelIndex


class _WordFilter(QSortFilterProxyModel):
    """Keeps rows whose search text holds every typed word, in any order; a group's
    heading stays while any of its models does.

    The rows' words are kept here as plain strings (`set_rows`), so a keystroke is
    one pass over Python strings, not thousands of calls into the Qt model.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._rows: list[tuple[str, str | None]] = []  # (group, search text; None: heading)
        self._keep: list[bool] = []

    def set_rows(self, rows: list[tuple[str, str | None]]) -> None:
        """What each source row is, in order, after the source model was (re)built."""
        self._rows = rows
        self.set_text(" ".join(self._words))

    def set_text(self, text: str) -> None:
        if not hasattr(self, "beginFilterChange"):  # Qt before 6.10
            self._apply(text)
            self.invalidateRowsFilter()
            return
        self.beginFilterChange()
        self._apply(text)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _apply(self, text: str) -> None:
        words = self._words = text.lower().split()
        keep = [
            haystack is not None and all(w in haystack for w in words)
            for _group, haystack in self._rows
        ]
        groups = {group for (group, _h), kept in zip(self._rows, keep, strict=True) if kept}
        self._keep = [
            kept or (haystack is None and group in groups)
            for (group, haystack), kept in zip(self._rows, keep, strict=True)
        ]

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        return source_row < len(self._keep) and self._keep[source_row]


FAVOURITES = "Favourites"
RECOMMENDED = "Recommended"


def group_of(spec: ModelSpec, favourites: set[str]) -> str:
    if spec.id in favourites:
        return FAVOURITES
    return RECOMMENDED if spec.recommended else spec.vendor


def grouped(specs: Sequence[ModelSpec], favourites: set[str]) -> list[ModelSpec]:
    """Favourites, then recommended, then each vendor's models in the order the vendors
    first appear; within a group, the catalogue's order."""
    order: dict[str, int] = {FAVOURITES: -2, RECOMMENDED: -1}
    for spec in specs:
        order.setdefault(spec.vendor, len(order))
    keyed = sorted(enumerate(specs), key=lambda p: (order[group_of(p[1], favourites)], p[0]))
    return [spec for _i, spec in keyed]


def _heading(title: str) -> QStandardItem:
    item = QStandardItem(title)
    item.setData(title, HEADING_ROLE)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not tickable, not selectable
    item.setData(f"{title} models", Qt.ItemDataRole.AccessibleTextRole)
    return item


class _ToggleDelegate(ModelRowDelegate):
    """A click anywhere on a row, or Space, ticks or unticks the model."""

    def editorEvent(self, event: QEvent, model: Any, option: Any, index: Index) -> bool:
        flags = index.flags()
        if not (flags & Qt.ItemFlag.ItemIsUserCheckable and flags & Qt.ItemFlag.ItemIsEnabled):
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            hit = option.rect.contains(event.position().toPoint())
            if event.button() == Qt.MouseButton.LeftButton and hit:
                return self._toggle(model, index)
        if (
            kind == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Select)
        ):
            return self._toggle(model, index)
        return False

    @staticmethod
    def _toggle(model: Any, index: Index) -> bool:
        checked = Qt.CheckState(index.data(Qt.ItemDataRole.CheckStateRole)) == Qt.CheckState.Checked
        new = Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked
        return bool(model.setData(index, new, Qt.ItemDataRole.CheckStateRole))


class ModelPicker(QWidget):
    """Lists models with vendor, tier, ranges, audio, typical time and price, grouped:
    the user's favourites, then the recommended ones, then each vendor's. A model the
    last catalogue sync added wears a "new" badge. Right-click (or F) on a model adds
    it to the favourites or takes it out.

    Signals: selection_changed(list): the ticked ModelSpecs, in list order
    favourites_changed(list): the favourite model ids, after the user changed them
    """

    selection_changed = Signal(list)
    favourites_changed = Signal(list)

    def __init__(
        self,
        specs: Sequence[ModelSpec],
        parent: QWidget | None = None,
        *,
        favourites: Iterable[str] = (),
        is_new: Callable[[ModelSpec], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("modelPicker")
        self.setAccessibleName("Models")
        self._all = list(specs)
        self._favourites = set(favourites)
        self._is_new = is_new  # None: ask the catalogue as it stands at each fill
        self._new: set[str] = set()
        self._specs = grouped(self._all, self._favourites)
        self._items: dict[str, QStandardItem] = {}
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("modelFilter")
        self.filter_edit.setAccessibleName("Filter models")
        self.filter_edit.setPlaceholderText("Filter models: name, vendor, tier, audio…")
        self.filter_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("modelCount")
        self.model = QStandardItemModel(self)
        self.proxy = _WordFilter(self)
        self.proxy.setSourceModel(self.model)
        self._fill()
        self.view = QListView(self)
        self.view.setObjectName("modelList")
        self.view.setAccessibleName("Models, tick one or more")
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(_ToggleDelegate(self.view))
        # Headings are one line, models two: sizes are not uniform (still cheap: the
        # delegate's size hint is arithmetic).
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.model.itemChanged.connect(self._on_item_changed)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.installEventFilter(self)
        self._quiet = False
        self._update_count()

    def _fill(self, ticked: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        """(Re)build the rows in group order, keeping the ticks."""
        is_new = self._is_new or load_catalog().is_new
        self._new = {spec.id for spec in self._specs if is_new(spec)}
        self._quiet = True
        try:
            self.model.clear()
            self._items = {}
            rows: list[tuple[str, str | None]] = []
            group = None
            for spec in self._specs:
                title = group_of(spec, self._favourites)
                if title != group:
                    group = title
                    self.model.appendRow(_heading(title))
                    rows.append((title, None))
                item = self._row(spec, title)
                rows.append((title, str(item.data(SEARCH_ROLE))))
                if spec.id in ticked:
                    item.setCheckState(Qt.CheckState.Checked)
                self._items[spec.id] = item
                self.model.appendRow(item)
        finally:
            self._quiet = False
        self.proxy.set_rows(rows)

    def _row(self, spec: ModelSpec, group: str) -> QStandardItem:
        new = spec.id in self._new
        favourite = spec.id in self._favourites
        item = QStandardItem(spec.name)
        item.setData(group, GROUP_ROLE)
        item.setData(new, NEW_ROLE)
        item.setData(favourite, FAVOURITE_ROLE)
        item.setEditable(False)
        item.setCheckable(True)
        item.setCheckState(Qt.CheckState.Unchecked)
        summary = model_facts.summary_line(spec)
        price = model_facts.price_text(spec)
        item.setData(spec, SPEC_ROLE)
        item.setData(summary, SUMMARY_ROLE)
        item.setData(price, PRICE_ROLE)
        badges = [spec.tier.value] + (["audio"] if spec.audio else []) + (["new"] if new else [])
        recommended = ", recommended" if spec.recommended else ""
        liked = ", favourite" if favourite else ""
        item.setData(
            f"{spec.name}{recommended}{liked}, {', '.join(badges)}, {summary}, {price}",
            Qt.ItemDataRole.AccessibleTextRole,
        )
        # "new" and "favourite" are words the filter finds, like vendor and tier.
        item.setData(
            model_facts.search_text(spec)
            + (" new" if new else "")
            + (" favourite" if favourite else ""),
            SEARCH_ROLE,
        )
        item.setToolTip(
            f"<b>{spec.name}</b> ({spec.vendor})<br>{spec.best_for}<br>"
            + model_facts.price_tooltip(spec).replace("\n", "<br>")
        )
        return item

    # -- public -------------------------------------------------------------------
    def specs(self) -> list[ModelSpec]:
        """Every model in the list, in list order."""
        return list(self._specs)

    def selected_specs(self) -> list[ModelSpec]:
        """The ticked models, in list order."""
        return [
            spec
            for spec in self._specs
            if self._items[spec.id].checkState() == Qt.CheckState.Checked
        ]

    def select_ids(self, ids: Iterable[str]) -> None:
        """Tick exactly these models (ids not in this list are ignored); one signal at most."""
        wanted = set(ids)
        before = self.selected_specs()
        self._quiet = True
        try:
            for spec in self._specs:
                on = spec.id in wanted or spec.endpoint in wanted
                state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
                self._items[spec.id].setCheckState(state)
        finally:
            self._quiet = False
        if self.selected_specs() != before:
            self._changed()

    def set_specs(self, specs: Sequence[ModelSpec]) -> None:
        """A new catalogue's models (after a sync): ticks of models still listed stay; one
        signal when the ticked set changed (a ticked model was retired)."""
        before = self.selected_specs()
        ticked = {s.id for s in before}
        self._all = list(specs)
        self._specs = grouped(self._all, self._favourites)
        self._fill(ticked)
        self._update_count()
        if [s.id for s in self.selected_specs()] != [s.id for s in before]:
            self.selection_changed.emit(self.selected_specs())

    def set_filter(self, text: str) -> None:
        self.filter_edit.setText(text)

    def visible_specs(self) -> list[ModelSpec]:
        """The models the filter lets through, in list order."""
        out = []
        for row in range(self.proxy.rowCount()):
            spec = self.proxy.index(row, 0).data(SPEC_ROLE)
            if isinstance(spec, ModelSpec):
                out.append(spec)
        return out

    def index_of(self, model_id: str) -> QModelIndex:
        """The view index of a model (invalid when filtered out or absent)."""
        item = self._items.get(model_id)
        return self.proxy.mapFromSource(item.index()) if item is not None else QModelIndex()

    def favourites(self) -> list[str]:
        """The favourite model ids (of every category: this picker keeps the others too)."""
        return sorted(self._favourites)

    def set_favourite(self, model_id: str, favourite: bool) -> None:
        """Add `model_id` to the favourites group or take it out; the ticks stay."""
        if (model_id in self._favourites) == favourite:
            return
        if favourite:
            self._favourites.add(model_id)
        else:
            self._favourites.discard(model_id)
        self._regroup()
        self.favourites_changed.emit(self.favourites())

    def set_favourites(self, ids: Iterable[str]) -> None:
        """The favourites a host kept (or another tab changed); no signal."""
        wanted = set(ids)
        if wanted != self._favourites:
            self._favourites = wanted
            self._regroup()

    def _regroup(self) -> None:
        ticked = {s.id for s in self.selected_specs()}
        current = self.view.currentIndex().data(SPEC_ROLE)
        self._specs = grouped(self._all, self._favourites)
        self._fill(ticked)
        if isinstance(current, ModelSpec):
            self.view.setCurrentIndex(self.index_of(current.id))

    def _menu(self, pos: QPoint) -> None:
        spec = self.view.indexAt(pos).data(SPEC_ROLE)
        if not isinstance(spec, ModelSpec):
            return
        menu = QMenu(self)
        liked = spec.id in self._favourites
        action = menu.addAction(
            "Remove from favourites" if liked else "Add to favourites",
            lambda: self.set_favourite(spec.id, not liked),
        )
        action.setObjectName("favouriteAction")
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_F
            and not event.modifiers()
        ):
            spec = self.view.currentIndex().data(SPEC_ROLE)
            if isinstance(spec, ModelSpec):
                self.set_favourite(spec.id, spec.id not in self._favourites)
                return True
        return super().eventFilter(watched, event)

    # -- internals ----------------------------------------------------------------
    def _on_item_changed(self, _item: QStandardItem) -> None:
        if not self._quiet:
            self._changed()

    def _changed(self) -> None:
        self._update_count()
        self.selection_changed.emit(self.selected_specs())

    def _update_count(self) -> None:
        count = len(self.selected_specs())
        total = len(self._specs)
        new = len(self._new)
        self.filter_edit.setPlaceholderText(
            "Filter models: name, vendor, tier, audio…" + (f" ({new} new: type new)" if new else "")
        )
        self.count_label.setText(
            f"{count} of {total} models selected" if count else "Tick one or more models"
        )
