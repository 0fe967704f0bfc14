"""Every test gets its own app folders and never touches the user's keyring or fal."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The null backend answers "no key" without D-Bus; the keyring test picks a real one itself.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
os.environ["NO_PROXY"] = "127.0.0.1,localhost,::1"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "qcut-home"
    monkeypatch.setenv("QCUT_AI_HOME", str(home))
    monkeypatch.delenv("FAL_KEY", raising=False)
    monkeypatch.delenv("QCUT_AI_FAL_URL", raising=False)
    monkeypatch.setenv("QCUT_AI_STANDIN_PROFILE", "instant")
    yield home
