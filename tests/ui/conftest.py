"""Shared fixtures for the widget tests: keyrings that behave like the real kinds."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in a dict, like a Secret Service would."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("no such password")


def _use_backend(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    for _ in _use_backend(backend):
        yield backend


@pytest.fixture
def failing_keyring() -> Iterator[KeyringBackend]:
    yield from _use_backend(fail.Keyring())


@pytest.fixture
def null_keyring() -> Iterator[KeyringBackend]:
    yield from _use_backend(null.Keyring())
