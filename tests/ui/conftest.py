"""Shared fixtures for the widget tests: keyrings that behave like the real kinds."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from pytestqt.qtbot import QtBot

from qcut_ai.core.media import Provenance
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.ingest import Library
from qcut_ai.services.ffmpeg_tools import run_ffmpeg
from qcut_ai.ui import quit_guard, spend_confirmation
from qcut_ai.ui.library.panel import LibraryPanel


@pytest.fixture(autouse=True)
def questions_answered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No modal question can block a widget test: spending and quit questions answer yes
    (the questions asked are returned); a test about a question sets its own answer."""
    asked: list[str] = []
    monkeypatch.setattr(
        spend_confirmation, "ask_spending", lambda _parent, text: asked.append(text) or True
    )
    monkeypatch.setattr(quit_guard, "ask_quit", lambda _parent, _running, _paid: True)
    return asked


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


_H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]


@pytest.fixture(scope="session")
def library_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library project: a Kling clip (1 s), a Sora clip (2 s), an imported still;
    `raw.mp4` beside it is a clip without history."""
    d = tmp_path_factory.mktemp("library")
    project = ProjectPaths.at(d / "Project").ensure()
    lavfi = ["-f", "lavfi", "-i"]
    run_ffmpeg([*lavfi, "testsrc2=size=160x90:rate=25:duration=1", *_H264, str(d / "a.mp4")])
    run_ffmpeg([*lavfi, "smptebars=size=160x90:rate=25:duration=2", *_H264, str(d / "b.mp4")])
    (project.root / "stills").mkdir()
    still = project.root / "stills" / "still.png"
    run_ffmpeg([*lavfi, "testsrc2=size=160x90:rate=1:duration=1", "-frames:v", "1", str(still)])
    with Library(project, d / "thumbs") as lib:
        lib.add_generated(
            Path(shutil.copy(d / "a.mp4", project.media / "lighthouse.mp4")),
            Provenance(
                endpoint="fal-ai/kling-video/v2.5-turbo/pro/text-to-video",
                model_id="kling-2.5-turbo-pro",
                model_name="Kling 2.5 Turbo Pro",
                request_id="req-light-1",
                prompt="a lighthouse in a storm, slow push in",
                arguments={"aspect_ratio": "16:9", "duration": "5"},
                seed=7,
                cost_estimate_usd=0.35,
            ),
        )
        lib.add_generated(
            Path(shutil.copy(d / "b.mp4", project.media / "desert.mp4")),
            Provenance(
                endpoint="fal-ai/sora-2/text-to-video",
                model_id="sora-2",
                model_name="Sora 2",
                request_id="req-sora-1",
                prompt="camels crossing a desert at dusk",
            ),
        )
        lib.import_files([still])
    # A clip without history, next to the project, for imports.
    run_ffmpeg([*lavfi, "testsrc2=size=160x90:rate=25:duration=1", *_H264, str(d / "raw.mp4")])
    return project.root


@pytest.fixture
def library_project(library_template: Path, tmp_path: Path) -> ProjectPaths:
    """A fresh copy of the library project for one test."""
    return ProjectPaths.at(shutil.copytree(library_template, tmp_path / "Project"))


@pytest.fixture
def library_panel(qtbot: QtBot, library_project: ProjectPaths) -> Iterator[LibraryPanel]:
    """A shown LibraryPanel on that copy, with its first load and thumbnails done."""
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.resize(640, 560)
    panel.show()
    panel.open(library_project)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3 and panel.service.pending_tasks() == 0)
    yield panel
    panel.shutdown()
