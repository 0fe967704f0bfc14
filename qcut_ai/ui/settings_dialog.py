"""SettingsDialog: the fal key (in the OS keyring) and the app's settings.

Keyring calls and the key test run in worker threads: a Secret Service may
wait on an unlock prompt and a test waits on the network, and neither may
freeze the window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qcut_ai.core.errors import KeyStoreError, QcutError
from qcut_ai.core.keys import ENV_KEY, KeyCheck, KeyStatus, KeyStore, validate_key
from qcut_ai.core.settings import Settings, SettingsSaver
from qcut_ai.jobs import key_tasks as key_work
from qcut_ai.jobs.tasks import TaskRunner, default_runners


def _money_box(name: str, maximum: float, no_limit: bool) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setObjectName(name)
    box.setRange(0.0, maximum)
    box.setDecimals(2)
    box.setPrefix("$")
    if no_limit:
        # 0 shows as "No limit": a budget of nothing is offline preview's job.
        box.setSpecialValueText("No limit")
    return box


def _note(name: str, parent: QWidget, text: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _button(text: str, name: str, slot: Callable[[], None], parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(name)
    # Only OK is a default button: Enter must never trigger a key action by accident.
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    return button


class SettingsDialog(QDialog):
    """Edits Settings and the fal key. OK saves settings; key buttons act at once.

    Signals:
        settings_changed(object): the saved Settings, after OK
        key_changed(): a key was saved to or removed from the keyring
        key_tested(bool, str): a key test ended, accepted or not, with its sentence
    """

    settings_changed = Signal(object)
    key_changed = Signal()
    key_tested = Signal(bool, str)

    def __init__(
        self,
        settings: Settings,
        store: SettingsSaver,
        keys: KeyStore,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        forced_offline: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.settings = settings
        self.store = store
        self.keys = keys
        self._runner = runner or default_runners().database
        self._busy = False
        # The box shows the mode the app is in; the setting saved is the user's choice,
        # which a missing key or --offline overrides without changing it.
        self._chosen_offline = settings.offline_preview
        self._forced_offline = forced_offline
        self._no_key = False

        layout = QVBoxLayout(self)
        layout.addWidget(self._build_key_group())
        layout.addWidget(self._build_settings_group())
        self.form_message = _note("formMessage", self)
        layout.addWidget(self.form_message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._load_settings(settings)
        self._refresh_key_status()

    # -- building --------------------------------------------------------------
    def _build_key_group(self) -> QGroupBox:
        group = QGroupBox("fal API key", self)
        self.key_status = _note("keyStatus", group, "Reading the keyring…")
        self.key_edit = QLineEdit(group)
        self.key_edit.setObjectName("keyEdit")
        self.key_edit.setAccessibleName("fal API key")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("Paste a key from fal.ai/dashboard/keys")
        self.key_edit.returnPressed.connect(self.save_key)
        self.show_key = QCheckBox("Show", group)
        self.show_key.setObjectName("showKey")
        self.show_key.toggled.connect(self._on_show_key)
        self.save_button = _button("Save key", "saveKey", self.save_key, group)
        self.test_button = _button("Test key", "testKey", self.test_key, group)
        self.remove_button = _button("Remove key", "removeKey", self.remove_key, group)
        self.key_message = _note("keyMessage", group)
        entry = QHBoxLayout()
        entry.addWidget(self.key_edit, 1)
        entry.addWidget(self.show_key)
        actions = QHBoxLayout()
        for button in (self.save_button, self.test_button, self.remove_button):
            actions.addWidget(button)
        actions.addStretch(1)
        box = QVBoxLayout(group)
        box.addWidget(self.key_status)
        box.addLayout(entry)
        box.addLayout(actions)
        box.addWidget(self.key_message)
        return group

    def _build_settings_group(self) -> QGroupBox:
        group = QGroupBox("Generation", self)
        self.project_edit = QLineEdit(group)
        self.project_edit.setObjectName("projectFolder")
        self.project_edit.setAccessibleName("Project folder")
        self.project_edit.setPlaceholderText("The default project")
        browse = _button("Browse…", "browseProject", self._browse_project, group)
        folder = QHBoxLayout()
        folder.addWidget(self.project_edit, 1)
        folder.addWidget(browse)
        self.concurrency = QSpinBox(group)
        self.concurrency.setObjectName("concurrency")
        self.concurrency.setRange(1, 4)
        self.concurrency.setToolTip("How many models generate at the same time.")
        self.daily_budget = _money_box("dailyBudget", 100_000.0, no_limit=True)
        self.project_budget = _money_box("projectBudget", 100_000.0, no_limit=True)
        self.confirm_above = _money_box("confirmAbove", 10_000.0, no_limit=False)
        self.confirm_above.setToolTip("Ask before a batch that costs more than this.")
        self.offline_preview = QCheckBox("Offline preview: sample clips, no key, no cost", group)
        self.offline_preview.setObjectName("offlinePreview")
        self.offline_preview.toggled.connect(self._offline_chosen)
        self.standin_process = QCheckBox(
            "Keep offline preview running after quitting, so its jobs resume", group
        )
        self.standin_process.setObjectName("standinOwnProcess")
        self.standin_process.setToolTip(
            "The local stand-in runs as its own process; it stops after hours unused."
        )
        form = QFormLayout(group)
        form.addRow("Project folder", folder)
        form.addRow("Concurrent jobs", self.concurrency)
        form.addRow("Daily budget", self.daily_budget)
        form.addRow("Project budget", self.project_budget)
        form.addRow("Confirm batches above", self.confirm_above)
        form.addRow(self.offline_preview)
        form.addRow(self.standin_process)
        return group

    def _load_settings(self, settings: Settings) -> None:
        self.project_edit.setText(settings.project_dir or "")
        self.concurrency.setValue(settings.concurrency)
        self.daily_budget.setValue(settings.daily_budget_usd or 0.0)
        self.project_budget.setValue(settings.project_budget_usd or 0.0)
        self.confirm_above.setValue(settings.confirm_above_usd)
        self._chosen_offline = settings.offline_preview
        self._show_offline_mode()
        self.standin_process.setChecked(settings.standin_own_process)

    # -- settings ----------------------------------------------------------------
    def edited_settings(self) -> Settings:
        """The form's values over the settings the dialog was opened with."""
        folder = self.project_edit.text().strip()
        return self.settings.replace(
            project_dir=str(Path(folder).expanduser()) if folder else None,
            concurrency=self.concurrency.value(),
            daily_budget_usd=self.daily_budget.value() or None,
            project_budget_usd=self.project_budget.value() or None,
            confirm_above_usd=self.confirm_above.value(),
            offline_preview=self._chosen_offline,
            standin_own_process=self.standin_process.isChecked(),
        )

    def accept(self) -> None:
        if self.key_edit.text().strip():
            self.form_message.setText(
                "The key you typed is not saved yet: press Save key, or clear the field."
            )
            return
        settings = self.edited_settings()
        if settings.project_dir and Path(settings.project_dir).is_file():
            self.form_message.setText(
                f"The project folder {settings.project_dir} is a file: choose a folder."
            )
            return
        try:
            settings = self.store.save_changes(self.settings, settings)
        except QcutError as exc:
            self.form_message.setText(exc.user_text())
            return
        self.settings = settings
        self.settings_changed.emit(settings)
        super().accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the key field saves the key; it must not also press OK.
        if self.key_edit.hasFocus() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def _browse_project(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "Choose the project folder", self.project_edit.text()
        )
        if chosen:
            self.project_edit.setText(chosen)

    def _on_show_key(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.key_edit.setEchoMode(mode)

    # -- key actions (each in a worker) --------------------------------------------
    def save_key(self) -> None:
        try:
            key = validate_key(self.key_edit.text())
        except KeyStoreError as exc:
            self.key_message.setText(exc.user_text())
            return
        keys = self.keys
        self._run(lambda: key_work.save_key(keys, key), self._on_saved, "Saving the key…")

    def remove_key(self) -> None:
        keys = self.keys
        self._run(lambda: key_work.forget_key(keys), self._on_removed, "Removing the key…")

    def test_key(self) -> None:
        """Test the typed key, else the key in use, with one free request to fal."""
        typed = self.key_edit.text()
        if typed.strip():
            try:
                typed = validate_key(typed)
            except KeyStoreError as exc:
                self.key_message.setText(exc.user_text())
                return
        keys = self.keys

        def work() -> KeyCheck:
            return key_work.test_key(keys, typed)

        self._run(work, self._on_tested, "Testing the key with fal…", self._on_test_failed)

    def _refresh_key_status(self) -> None:
        keys = self.keys
        self._run(lambda: key_work.key_status(keys), self._on_status, "", self._on_no_status)

    def _run(
        self,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        note: str,
        failed: Callable[[str], None] | None = None,
    ) -> None:
        if self._busy:
            return
        self._set_busy(True)
        if note:
            self.key_message.setText(note)
        self._runner.start(
            lambda _abort, _progress: fn(),
            done,
            failed or self._on_failed,
            receiver=self,
            name="key operation",
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in (self.save_button, self.test_button, self.remove_button):
            button.setEnabled(not busy)

    # -- answers from workers ---------------------------------------------------------
    def _on_status(self, status: KeyStatus) -> None:
        self._set_busy(False)
        self._show_status(status)

    def _on_saved(self, status: KeyStatus) -> None:
        self._set_busy(False)
        self.key_edit.clear()
        self._show_status(status)
        text = f"Saved the key to the system keyring ({status.backend})."
        if status.key is not None and status.key.source == "env":
            text += f" {ENV_KEY} is set for this session and is used first."
        self.key_message.setText(text)
        self.key_changed.emit()

    def _on_removed(self, answer: tuple[bool, KeyStatus]) -> None:
        removed, status = answer
        self._set_busy(False)
        self._show_status(status)
        self.key_message.setText(
            "Removed the key from the system keyring." if removed else "No key was stored."
        )
        if removed:
            self.key_changed.emit()

    def _on_tested(self, check: KeyCheck) -> None:
        self._set_busy(False)
        self.key_message.setText(check.message)
        self.key_tested.emit(check.ok, check.message)

    def _on_failed(self, message: str) -> None:
        self._set_busy(False)
        self.key_message.setText(message)

    def _on_no_status(self, message: str) -> None:
        self._on_failed(message)
        self.key_status.setText("No key is available: the keyring could not be read.")
        self._no_key = True
        self._show_offline_mode()

    def _on_test_failed(self, message: str) -> None:
        self._on_failed(message)
        self.key_tested.emit(False, message)

    def _show_status(self, status: KeyStatus) -> None:
        self.key_status.setText(status.describe())
        self._no_key = status.key is None
        self._show_offline_mode()

    # -- the mode ------------------------------------------------------------------
    def _offline_chosen(self, checked: bool) -> None:
        if self.offline_preview.isEnabled():
            self._chosen_offline = checked

    def offline_reason(self) -> str:
        """Why offline preview is on whatever the box says, or "" when the box decides."""
        if self._forced_offline:
            return "On: qcut-ai was started with --offline."
        if self._no_key:
            return "On: no fal key is available, so generations run in offline preview."
        return ""

    def _show_offline_mode(self) -> None:
        """The box says the mode the app is actually in (a missing key forces preview)."""
        reason = self.offline_reason()
        box = self.offline_preview
        box.setEnabled(not reason)  # first, so the forced tick is not taken as a choice
        box.setChecked(bool(reason) or self._chosen_offline)
        box.setToolTip(reason or "Run generations against a local stand-in, for free.")
