"""The panel's daily catalogue check against the stand-in's Platform API: new and
retired models are said above the panel and the pickers list them at once."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcut_ai.app.main import build_window
from qcut_ai.app.shell import MainWindow
from qcut_ai.core.catalog import Category, load_catalog
from qcut_ai.services.catalog_sync import sync_catalog
from qcut_ai.services.fal_platform import FalPlatformClient
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from tests.services.test_catalog_sync import NEW_MODEL


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn() as server:
        yield server


def _window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    window = build_window(argparse.Namespace(project=str(tmp_path / "P"), offline=True))
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    return window


def test_new_and_retired_models_are_said_and_listed(
    qtbot: QtBot, tmp_path: Path, standin: StandIn
) -> None:
    window = _window(qtbot, tmp_path)
    panel = window.panel
    tab = panel.generate_tabs[Category.TEXT_TO_VIDEO]
    tab.picker.select_ids(["veo3.1-lite", "veo3.1-fast"])

    def client() -> FalPlatformClient:
        return FalPlatformClient(OFFLINE_KEY, base_url=standin.base_url, backoff_s=0.01)

    # Synced two days ago; since then fal published one model and retired another.
    with client() as fal:
        sync_catalog(fal, now=datetime.now(UTC) - timedelta(days=2))
    standin.registry.add(NEW_MODEL)
    standin.registry.retire("fal-ai/veo3.1/lite")

    panel.check_catalog(client)
    notice = panel.catalog_notice
    qtbot.waitUntil(notice.isVisible, timeout=60_000)
    assert notice.label.text() == (
        "fal's catalogue changed: 1 new model (Orbit 2 Text to Video), 1 retired."
    )
    assert any(
        line.startswith("Retired by fal: Veo 3.1 Lite; use ") for line in notice.news.details
    )
    ids = [s.id for s in tab.picker.specs()]
    new = load_catalog().get("acme-labs/orbit/v2/text-to-video")
    assert new.id in ids and "veo3.1-lite" not in ids
    # The retired model's tick went with it; the other stays.
    assert [s.id for s in tab.selected_specs()] == ["veo3.1-fast"]
    spoken = tab.picker.index_of(new.id).data(Qt.ItemDataRole.AccessibleTextRole)
    assert ", new," in spoken
    box = notice.show_details()
    assert box is not None and "Orbit 2 Text to Video" in box.informativeText()
    box.close()
    notice.close_button.click()
    assert not notice.isVisible()
    window.close()


def test_no_key_means_no_check_and_no_notice(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path)
    panel = window.panel
    done: list[bool] = []
    from qcut_ai.jobs.catalog_tasks import check_catalog

    check_catalog(panel.services.runners.network, done.append, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=30_000)
    assert done == [False] and not panel.catalog_notice.isVisible()
    window.close()
