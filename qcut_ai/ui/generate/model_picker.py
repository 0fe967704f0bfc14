"""The model picker: one category's models, recommended first, several can be ticked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QMouseEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from qcut_ai.core import model_facts
from qcut_ai.core.catalog import ModelSpec
from qcut_ai.ui.generate.model_row import (
    PRICE_ROLE,
    SEARCH_ROLE,
    SPEC_ROLE,
    SUMMARY_ROLE,
    ModelRowDelegate,
)

Index = QModelIndex | QPersistentModelIndex


class _WordFilter(QSortFilterProxyModel):
    """Keeps rows whose search text holds every typed word, in any order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        if not hasattr(self, "beginFilterChange"):  # Qt before 6.10
            self._words = text.lower().split()
            self.invalidateRowsFilter()
            return
        self.beginFilterChange()
        self._words = text.lower().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        source = self.sourceModel()
        haystack = str(source.index(source_row, 0, source_parent).data(SEARCH_ROLE) or "")
        return all(word in haystack for word in self._words)


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
    """Lists models with vendor, tier, ranges, audio, typical time and price.

    Signals: selection_changed(list): the ticked ModelSpecs, in list order
    """

    selection_changed = Signal(list)

    def __init__(self, specs: Sequence[ModelSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelPicker")
        self.setAccessibleName("Models")
        self._specs = list(specs)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("modelFilter")
        self.filter_edit.setAccessibleName("Filter models")
        self.filter_edit.setPlaceholderText("Filter models: name, vendor, tier, audio…")
        self.filter_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("modelCount")
        self.model = QStandardItemModel(self)
        for spec in self._specs:
            self.model.appendRow(self._row(spec))
        self.proxy = _WordFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QListView(self)
        self.view.setObjectName("modelList")
        self.view.setAccessibleName("Models, tick one or more")
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(_ToggleDelegate(self.view))
        self.view.setUniformItemSizes(True)
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
        self._quiet = False
        self._update_count()

    @staticmethod
    def _row(spec: ModelSpec) -> QStandardItem:
        item = QStandardItem(spec.name)
        item.setEditable(False)
        item.setCheckable(True)
        item.setCheckState(Qt.CheckState.Unchecked)
        summary = model_facts.summary_line(spec)
        price = model_facts.price_text(spec)
        item.setData(spec, SPEC_ROLE)
        item.setData(summary, SUMMARY_ROLE)
        item.setData(price, PRICE_ROLE)
        item.setData(model_facts.search_text(spec), SEARCH_ROLE)
        badges = [spec.tier.value] + (["audio"] if spec.audio else [])
        recommended = ", recommended" if spec.recommended else ""
        item.setData(
            f"{spec.name}{recommended}, {', '.join(badges)}, {summary}, {price}",
            Qt.ItemDataRole.AccessibleTextRole,
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
            self._specs[row]
            for row in range(self.model.rowCount())
            if self.model.item(row).checkState() == Qt.CheckState.Checked
        ]

    def select_ids(self, ids: Iterable[str]) -> None:
        """Tick exactly these models (ids not in this list are ignored); one signal at most."""
        wanted = set(ids)
        before = self.selected_specs()
        self._quiet = True
        try:
            for row, spec in enumerate(self._specs):
                on = spec.id in wanted or spec.endpoint in wanted
                state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
                self.model.item(row).setCheckState(state)
        finally:
            self._quiet = False
        if self.selected_specs() != before:
            self._changed()

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
        for row, spec in enumerate(self._specs):
            if spec.id == model_id:
                return self.proxy.mapFromSource(self.model.index(row, 0))
        return QModelIndex()

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
        self.count_label.setText(
            f"{count} of {total} models selected" if count else "Tick one or more models"
        )
