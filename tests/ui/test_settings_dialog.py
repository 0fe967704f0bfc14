"""The settings dialog: key in the keyring, a real key test against the stand-in, settings saved."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from qcut_ai.core.settings import Settings
from qcut_ai.services.rehearsal import StandIn
from qcut_ai.services.secrets import KeyringStore
from qcut_ai.services.settings_store import SettingsStore
from qcut_ai.ui.settings_dialog import SettingsDialog

SECRET = "abcd1234:topsecretvalue9"
GOOD = "good0001:accepted-secret"
WRONG = "bad00001:refused-secret"


def _dialog(qtbot: QtBot, settings: Settings | None = None) -> SettingsDialog:
    dialog = SettingsDialog(settings or Settings(), SettingsStore(), KeyringStore())
    qtbot.addWidget(dialog)
    dialog.show()
    # The keyring is read in a worker; the buttons come back when it answered.
    qtbot.waitUntil(dialog.save_button.isEnabled)
    return dialog


def _click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _type_key(qtbot: QtBot, dialog: SettingsDialog, key: str) -> None:
    dialog.key_edit.clear()
    qtbot.keyClicks(dialog.key_edit, key)


def test_key_is_masked_saved_to_the_keyring_and_removed(
    qtbot: QtBot, memory_keyring: KeyringBackend, isolated_home: Path
) -> None:
    dialog = _dialog(qtbot)
    assert dialog.objectName() == "settingsDialog"
    assert "No key is saved" in dialog.key_status.text()
    _type_key(qtbot, dialog, SECRET)
    assert dialog.key_edit.echoMode() is QLineEdit.EchoMode.Password
    dialog.show_key.setChecked(True)
    assert dialog.key_edit.echoMode() is QLineEdit.EchoMode.Normal
    dialog.show_key.setChecked(False)

    with qtbot.waitSignal(dialog.key_changed, timeout=10_000):
        _click(qtbot, dialog.save_button)
    assert memory_keyring.passwords == {("qcut-ai", "fal-api-key"): SECRET}
    assert dialog.key_edit.text() == ""
    status = dialog.key_status.text()
    # Said in words (the key's last four characters), never as a repr or in full.
    assert "the key ending …lue9, from the system keyring" in status and "topsecret" not in status
    assert "Saved the key" in dialog.key_message.text()

    with qtbot.waitSignal(dialog.settings_changed, timeout=5_000):
        _click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    written = [p for p in isolated_home.rglob("*") if p.is_file()]
    assert written and all("topsecret" not in p.read_text(errors="ignore") for p in written)

    dialog = _dialog(qtbot)
    with qtbot.waitSignal(dialog.key_changed, timeout=10_000):
        _click(qtbot, dialog.remove_button)
    assert memory_keyring.passwords == {}
    assert "No key is saved" in dialog.key_status.text()
    assert "Removed the key" in dialog.key_message.text()


def test_malformed_key_is_refused_before_any_keyring_call(
    qtbot: QtBot, memory_keyring: KeyringBackend
) -> None:
    dialog = _dialog(qtbot)
    _type_key(qtbot, dialog, "has space:inside")
    _click(qtbot, dialog.save_button)
    assert "malformed" in dialog.key_message.text()
    assert memory_keyring.passwords == {}


def test_test_key_against_the_stand_in_accepts_the_good_key_and_refuses_a_wrong_one(
    qtbot: QtBot, memory_keyring: KeyringBackend, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with StandIn(keys={GOOD}, media_dir=tmp_path / "standin") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        dialog = _dialog(qtbot)
        _type_key(qtbot, dialog, GOOD)
        with qtbot.waitSignal(dialog.key_tested, timeout=15_000) as good:
            _click(qtbot, dialog.test_button)
        assert good.args == [True, "fal accepted the key."]

        _type_key(qtbot, dialog, WRONG)
        with qtbot.waitSignal(dialog.key_tested, timeout=15_000) as wrong:
            _click(qtbot, dialog.test_button)
        assert wrong.args[0] is False
        assert dialog.key_message.text().startswith("The key was refused")

        # With the field empty, the saved key is the one tested.
        memory_keyring.set_password("qcut-ai", "fal-api-key", GOOD)
        dialog.key_edit.clear()
        with qtbot.waitSignal(dialog.key_tested, timeout=15_000) as saved:
            _click(qtbot, dialog.test_button)
        assert saved.args[0] is True
        # A test is free: nothing was submitted to the queue.
        assert server.submissions == []


def test_test_key_says_when_fal_cannot_be_reached(
    qtbot: QtBot, memory_keyring: KeyringBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("QCUT_AI_FAL_URL", f"http://127.0.0.1:{port}")
    dialog = _dialog(qtbot)
    _type_key(qtbot, dialog, GOOD)
    with qtbot.waitSignal(dialog.key_tested, timeout=15_000) as answer:
        _click(qtbot, dialog.test_button)
    assert answer.args[0] is False
    text = dialog.key_message.text()
    assert "could not be reached" in text and "refused" not in text


def test_test_key_reports_a_bad_fal_url_setting(
    qtbot: QtBot, memory_keyring: KeyringBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QCUT_AI_FAL_URL", "ftp://example.invalid")
    dialog = _dialog(qtbot)
    _type_key(qtbot, dialog, GOOD)
    with qtbot.waitSignal(dialog.key_tested, timeout=15_000) as answer:
        _click(qtbot, dialog.test_button)
    assert answer.args[0] is False and "QCUT_AI_FAL_URL" in answer.args[1]
    assert dialog.test_button.isEnabled()


def test_test_key_without_any_key_asks_for_one(
    qtbot: QtBot, memory_keyring: KeyringBackend
) -> None:
    dialog = _dialog(qtbot)
    with qtbot.waitSignal(dialog.key_tested, timeout=15_000) as answer:
        _click(qtbot, dialog.test_button)
    assert answer.args == [False, "There is no key to test: paste one above first."]


def test_no_keyring_backend_explains_what_to_do(
    qtbot: QtBot, failing_keyring: KeyringBackend
) -> None:
    dialog = _dialog(qtbot)
    assert "no keyring service" in dialog.key_message.text()
    assert "FAL_KEY" in dialog.key_message.text()
    assert "could not be read" in dialog.key_status.text()
    _type_key(qtbot, dialog, SECRET)
    _click(qtbot, dialog.save_button)
    qtbot.waitUntil(dialog.save_button.isEnabled)
    assert "no keyring service" in dialog.key_message.text()


def test_a_keyring_that_keeps_nothing_is_not_reported_as_saved(
    qtbot: QtBot, null_keyring: KeyringBackend
) -> None:
    dialog = _dialog(qtbot)
    _type_key(qtbot, dialog, SECRET)
    _click(qtbot, dialog.save_button)
    qtbot.waitUntil(dialog.save_button.isEnabled)
    text = dialog.key_message.text()
    assert "was not saved" in text and "FAL_KEY" in text


def test_env_key_is_shown_masked_with_its_source(
    qtbot: QtBot, memory_keyring: KeyringBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAL_KEY", SECRET)
    dialog = _dialog(qtbot)
    qtbot.waitUntil(lambda: "In use" in dialog.key_status.text())
    text = dialog.key_status.text()
    assert "environment variable" in text and "FAL_KEY" in text and "topsecret" not in text


def test_ok_saves_the_settings_and_emits_them(
    qtbot: QtBot, memory_keyring: KeyringBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAL_KEY", SECRET)  # with a key, offline preview is the user's choice
    dialog = _dialog(qtbot)
    assert dialog.offline_preview.isEnabled() and not dialog.offline_preview.isChecked()
    dialog.project_edit.setText(str(tmp_path / "Project"))
    dialog.concurrency.setValue(3)
    dialog.daily_budget.setValue(12.5)
    dialog.confirm_above.setValue(0.75)
    dialog.offline_preview.setChecked(True)
    dialog.standin_process.setChecked(True)
    with qtbot.waitSignal(dialog.settings_changed, timeout=5_000) as changed:
        _click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    saved = SettingsStore().load()
    assert changed.args == [saved]
    assert saved.project_dir == str(tmp_path / "Project")
    assert (saved.concurrency, saved.daily_budget_usd, saved.project_budget_usd) == (3, 12.5, None)
    assert saved.confirm_above_usd == 0.75 and saved.offline_preview is True
    assert saved.standin_own_process is True
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_ok_with_an_unsaved_key_keeps_the_dialog_open(
    qtbot: QtBot, memory_keyring: KeyringBackend
) -> None:
    dialog = _dialog(qtbot)
    _type_key(qtbot, dialog, SECRET)
    _click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    assert dialog.isVisible() and "not saved yet" in dialog.form_message.text()
    assert not SettingsStore().path.exists()


def test_escape_cancels_without_saving(qtbot: QtBot, memory_keyring: KeyringBackend) -> None:
    dialog = _dialog(qtbot)
    dialog.concurrency.setValue(4)
    changed: list[object] = []
    dialog.settings_changed.connect(changed.append)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert changed == [] and not SettingsStore().path.exists()


def test_the_offline_box_shows_preview_is_on_without_a_key_and_keeps_the_choice(
    qtbot: QtBot, memory_keyring: KeyringBackend
) -> None:
    dialog = _dialog(qtbot)
    box = dialog.offline_preview
    assert box.isChecked() and not box.isEnabled()
    assert "no fal key" in box.toolTip()
    with qtbot.waitSignal(dialog.settings_changed, timeout=5_000):
        _click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    # The forced tick is the mode, not a choice: adding a key later generates for real.
    assert SettingsStore().load().offline_preview is False


def test_the_offline_box_shows_preview_is_on_when_started_offline(
    qtbot: QtBot, memory_keyring: KeyringBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAL_KEY", SECRET)
    dialog = SettingsDialog(Settings(), SettingsStore(), KeyringStore(), forced_offline=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.save_button.isEnabled)
    assert dialog.offline_preview.isChecked() and not dialog.offline_preview.isEnabled()
    assert "--offline" in dialog.offline_preview.toolTip()
