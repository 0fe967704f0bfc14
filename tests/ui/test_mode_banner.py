"""A slow keyring (a locked Secret Service) never holds up the window."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from pytestqt.qtbot import QtBot

from qcut_ai.app.main import build_window
from qcut_ai.app.shell import MainWindow


class WaitingKeyring(KeyringBackend):
    """Answers "no key" only once the test lets it, like a keyring waiting to be unlocked."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.asked_from: list[str] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.asked_from.append(threading.current_thread().name)
        self.release.wait(30)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NotImplementedError

    def delete_password(self, service: str, username: str) -> None:
        raise NotImplementedError


@pytest.fixture
def waiting_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[WaitingKeyring]:
    monkeypatch.delenv("FAL_KEY", raising=False)
    backend = WaitingKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        backend.release.set()
        keyring.set_keyring(previous)


def test_the_window_shows_while_the_keyring_is_still_answering(
    qtbot: QtBot, tmp_path: Path, waiting_keyring: WaitingKeyring
) -> None:
    window = build_window(argparse.Namespace(project=str(tmp_path / "P"), offline=False))
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: bool(waiting_keyring.asked_from))
    assert "MainThread" not in waiting_keyring.asked_from
    assert "Offline preview" not in window.panel.banner.text()  # not known yet

    waiting_keyring.release.set()
    qtbot.waitUntil(lambda: "Offline preview" in window.panel.banner.text(), timeout=10_000)
    assert "No fal key is configured." in window.panel.banner.text()
    window.close()
