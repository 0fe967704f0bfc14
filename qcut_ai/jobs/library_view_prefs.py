"""How the user left the library view (thumbnail size, list columns), kept in their settings.

The settings file is read in a media worker and written on the database
runner (saves in order), never on the GUI thread; a save merges into the
file as it is now, so other settings changed meanwhile are kept.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, Signal

from qcut_ai.core.errors import QcutError
from qcut_ai.jobs.tasks import Runners

Prefs = dict[str, str | int]


def load_view_prefs() -> Prefs:
    """The library view's saved values ({} when none or the file is unreadable)."""
    from qcut_ai.services.settings_store import SettingsStore

    try:
        return dict(SettingsStore().load().library_view)
    except QcutError:
        return {}  # the settings dialog reports a broken file; the view uses its defaults


def save_view_prefs(changes: Mapping[str, str | int]) -> Prefs:
    """Merge `changes` into the saved values and save them; returns what is saved."""
    from qcut_ai.services.settings_store import SettingsStore

    store = SettingsStore()
    settings = store.load()
    merged = {**settings.library_view, **changes}
    store.save(settings.replace(library_view=merged))
    return merged


class ViewPrefs(QObject):
    """Loads and saves the library view's values in a worker.

    Signals:
        loaded(object): the saved values (a dict), once after `load`
        saved(object): the values now saved, after each `save`
        failed(str): a one-sentence error
    """

    loaded = Signal(object)
    saved = Signal(object)
    failed = Signal(str)

    def __init__(self, runners: Runners, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runners = runners
        self.values: Prefs = {}

    def load(self) -> None:
        # A file read, not a database one: on the database runner's one thread it
        # held back the library's first page (~90 ms, most of it importing the
        # settings model in a window that had not yet).
        self._runners.media.start(
            lambda _a, _p: load_view_prefs(),
            self._loaded,
            self.failed.emit,
            receiver=self,
            name="load library view settings",
        )

    def save(self, changes: Mapping[str, str | int]) -> None:
        self.values.update(changes)
        # Everything known, not only the change: a save of older settings elsewhere
        # (the shell keeps the copy it started with) is mended by the next one here.
        wanted = dict(self.values)
        self._runners.database.start(
            lambda _a, _p: save_view_prefs(wanted),
            self.saved.emit,
            self.failed.emit,
            receiver=self,
            name="save library view settings",
        )

    def _loaded(self, values: Prefs) -> None:
        self.values = {**values, **self.values}
        self.loaded.emit(self.values)
