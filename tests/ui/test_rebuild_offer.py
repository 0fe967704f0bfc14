"""Opening a project whose database was emptied offers a rebuild, and the rebuild
brings every clip back into the panel without a modal question."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.settings import Settings
from qcut_ai.engine.connection import connect
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.ui.media_panel import MediaPanel, PanelServices

SETTINGS = Settings(poll_interval_s=0.05, poll_max_interval_s=0.1)


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    with StandIn(profile="instant") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
        yield server


def test_an_emptied_database_is_offered_for_rebuild_and_comes_back(
    qtbot: QtBot, standin: StandIn, tmp_path: Path
) -> None:
    project = ProjectPaths.at(tmp_path / "P")
    argv = [sys.executable, "-m", "qcut_ai", "generate", "--model", "wan-2.2-turbo,veo3.1-fast"]
    argv += ["--prompt", "a harbour at dawn", "--project", str(project.root), "--yes"]
    made = subprocess.run(argv, capture_output=True, text=True, timeout=180, env=dict(os.environ))
    assert made.returncode == 0, made.stderr
    for suffix in ("-wal", "-shm"):
        Path(str(project.database) + suffix).unlink(missing_ok=True)
    os.truncate(project.database, 0)

    services = PanelServices(
        settings=SETTINGS,
        thumbnails_dir=app_dirs().ensure().thumbnails,
        connect=lambda: connect(SETTINGS, offline=False),
    )
    panel = MediaPanel(services)
    qtbot.addWidget(panel)
    panel.show()
    panel.open_project(project.root, resume=False)
    qtbot.waitUntil(panel.rebuild_button.isVisible, timeout=15_000)
    assert "damaged" in panel.banner.text()
    assert project.database.stat().st_size == 0  # nothing was recreated meanwhile

    panel.rebuild_button.click()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=30_000)
    assert "Rebuilt the library: 2 item(s)." in panel.banner.text()
    assert not panel.rebuild_button.isVisible()
    panel.shutdown()
