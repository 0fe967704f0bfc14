"""The window (offscreen, in this process) and `qcut-ai` commands on one project.

While the window keeps its connections open and writes (renames, ratings),
other processes list and import over and over; afterwards the window's WAL
is still its own (no database file deleted under an open descriptor), every
edit and import is there and the file is sound. A `resume` started while the
window resumes the same project on open pays each job once.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.settings import Settings
from qcut_ai.engine.connection import connect
from qcut_ai.services.rehearsal import StandIn
from qcut_ai.ui.media_panel import MediaPanel, PanelServices

from .conftest import (
    MODELS,
    assert_no_contention_shown,
    crash_generate,
    deleted_database_files,
    facts,
    generate_args,
    qcut,
    run,
    wait_all,
)

SETTINGS = Settings(poll_interval_s=0.05, poll_max_interval_s=0.1)
ROUNDS = 6


@pytest.fixture
def panel(qtbot: QtBot, standin: StandIn) -> Iterator[MediaPanel]:
    services = PanelServices(
        settings=SETTINGS,
        thumbnails_dir=app_dirs().ensure().thumbnails,
        connect=lambda: connect(SETTINGS, offline=False),
    )
    widget = MediaPanel(services)
    qtbot.addWidget(widget)
    errors: list[str] = []
    widget.error_reported.connect(errors.append)
    widget.errors = errors  # type: ignore[attr-defined]
    yield widget
    widget.shutdown()


def _still(path: Path, shade: int) -> Path:
    Image.new("RGB", (96, 64), (shade, 255 - shade, 128)).save(path)
    return path


def _rows(project: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{project / 'qcut-ai.db'}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_commands_beside_the_open_window_never_damage_its_library(
    qtbot: QtBot, panel: MediaPanel, standin: StandIn, tmp_path: Path
) -> None:
    project = tmp_path / "P"
    made = run(*generate_args(project, MODELS[:1], "a lighthouse at dusk"))
    assert made.code == 0, made.err
    panel.open_project(project)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=15_000)
    (media_id,) = [r[0] for r in _rows(project, "SELECT id FROM media")]

    stills = tmp_path / "stills"
    stills.mkdir()
    finished = []
    for round_ in range(ROUNDS):
        image = _still(stills / f"still-{round_}.png", 30 * round_)
        children = [
            qcut("library", "list", "--project", str(project), "--json"),
            qcut("library", "import", str(image), "--project", str(project), "--json"),
        ]
        # The window writes while the commands run.
        with qtbot.waitSignal(panel.library.items_changed, timeout=15_000):
            panel.library.rename(media_id, f"Lighthouse take {round_}")
        with qtbot.waitSignal(panel.library.items_changed, timeout=15_000):
            panel.library.set_rating([media_id], 1 + round_ % 5)
        panel.library.refresh()
        finished += wait_all(children)
        assert deleted_database_files(os.getpid()) == []

    for result in finished:
        assert result.code == 0, result.err
    assert_no_contention_shown(*finished)
    assert not [e for e in panel.errors if "locked" in e or "damaged" in e]  # type: ignore[attr-defined]
    # The window's own next write still works, and lands.
    with qtbot.waitSignal(panel.library.items_changed, timeout=15_000):
        panel.library.rename(media_id, "Lighthouse, final")
    assert deleted_database_files(os.getpid()) == []
    panel.shutdown()

    found = facts(project)
    assert found.integrity == "ok"
    assert found.items == 1 + ROUNDS
    assert _rows(project, f"SELECT name, rating FROM media WHERE id = {media_id}") == [
        ("Lighthouse, final", 1 + (ROUNDS - 1) % 5)
    ]


def test_a_resume_racing_the_windows_resume_on_open_pays_each_job_once(
    qtbot: QtBot, panel: MediaPanel, standin: StandIn, tmp_path: Path
) -> None:
    project = tmp_path / "P"
    crash_generate(project, MODELS, "fireflies over a meadow [generate:0.6]", "generating")
    assert len(standin.submissions) == 1

    resume = qcut("resume", "--project", str(project), "--quiet")
    panel.open_project(project)  # resumes on open, in its workers
    (finished,) = wait_all([resume])
    assert finished.code == 0, finished.err
    assert_no_contention_shown(finished)

    def all_done() -> bool:
        return facts(project).states == ["done"] * len(MODELS)

    qtbot.waitUntil(all_done, timeout=60_000)
    qtbot.waitUntil(lambda: panel.model.rowCount() == len(MODELS), timeout=30_000)
    panel.shutdown()
    found = facts(project)
    assert len(standin.submissions) == len(MODELS)
    assert found.items == len(MODELS)
    assert found.unfinished == 0
    assert found.integrity == "ok"
    assert deleted_database_files(os.getpid()) == []
