"""The batch-start rules exist once: the CLI, the panel and the sample journal the same batch
the same way, with the same ledger and the same project registration, online and in preview."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from qcut_ai.app.sample import make_samples
from qcut_ai.cli import main
from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.settings import Settings
from qcut_ai.engine.connection import connect
from qcut_ai.engine.spend_registry import registered_projects
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.services.settings_store import SettingsStore
from qcut_ai.ui.media_panel import MediaPanel, PanelServices

MODEL = "wan-2.2-turbo"
PROMPT = "paper boats drifting on a pond, soft morning light"
SETTINGS = Settings(poll_interval_s=0.05, poll_max_interval_s=0.1, daily_budget_usd=5.0)


@pytest.fixture
def fal(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    """The stand-in reached as fal itself (QCUT_AI_FAL_URL and a key): real, billed jobs."""
    SettingsStore().save(SETTINGS)
    with StandIn(profile="instant") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
        yield server


def _journal(project: Path) -> list[dict[str, Any]]:
    """What matters of each journaled job, whoever started it."""
    conn = sqlite3.connect(f"file:{project / 'qcut-ai.db'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        jobs = [dict(r) for r in conn.execute("SELECT * FROM jobs ORDER BY created_at")]
        ledger = [dict(r) for r in conn.execute("SELECT outcome, spent_usd FROM spend_ledger")]
    finally:
        conn.close()
    return [
        {
            "model_id": j["model_id"],
            "endpoint": j["endpoint"],
            "position": j["position"],
            "state": j["state"],
            "request": json.loads(j["request_json"]),
            "arguments": json.loads(j["arguments_json"]),
            "estimate_usd": j["estimate_usd"],
            "price_unit": j["price_unit"],
            "preview": (j["backend"] or "").startswith("offline:"),
            "ledger": ledger,
        }
        for j in jobs
    ]


def _by_cli(project: Path, *extra: str) -> None:
    args = ["generate", "--model", MODEL, "--prompt", PROMPT, "--project", str(project)]
    assert main([*args, "--yes", "--quiet", *extra]) == 0


def _by_panel(qtbot: QtBot, project: Path, *, offline: bool) -> None:
    services = PanelServices(
        settings=SETTINGS,
        thumbnails_dir=app_dirs().ensure().thumbnails,
        connect=lambda: connect(SETTINGS, offline=offline),
    )
    panel = MediaPanel(services)
    qtbot.addWidget(panel)
    panel.open_project(project, resume=False)
    # What History's "Run again" and the derive actions send: one request, fitted.
    panel.generate([load_catalog().get(MODEL)], GenerationRequest(prompt=PROMPT))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=30_000)
    panel.shutdown()


def _registered(project: Path) -> bool:
    return str(ProjectPaths.at(project).root) in {str(p.root) for p in registered_projects()}


def test_cli_and_panel_start_a_real_batch_alike(qtbot: QtBot, fal: StandIn, tmp_path: Path) -> None:
    cli_project, panel_project = tmp_path / "ByCli", tmp_path / "ByPanel"
    _by_cli(cli_project)
    _by_panel(qtbot, panel_project, offline=False)
    by_cli, by_panel = _journal(cli_project), _journal(panel_project)
    assert by_cli == by_panel
    assert by_cli[0]["state"] == "done" and not by_cli[0]["preview"]
    assert by_cli[0]["ledger"] == [{"outcome": "spent", "spent_usd": by_cli[0]["estimate_usd"]}]
    assert _registered(cli_project) and _registered(panel_project)  # for the daily budget
    assert len(fal.submissions) == 2


def test_cli_panel_and_sample_start_a_preview_batch_alike(qtbot: QtBot, tmp_path: Path) -> None:
    SettingsStore().save(SETTINGS)
    cli_project, panel_project = tmp_path / "ByCli", tmp_path / "ByPanel"
    sample_project = ProjectPaths.at(tmp_path / "BySample").ensure()
    _by_cli(cli_project, "--offline")
    _by_panel(qtbot, panel_project, offline=True)
    make_samples(sample_project, [(MODEL, PROMPT)], app_dirs().ensure().thumbnails)
    by_cli, by_panel = _journal(cli_project), _journal(panel_project)
    assert by_cli == by_panel == _journal(sample_project.root)
    assert by_cli[0]["preview"] and by_cli[0]["state"] == "done"
    assert by_cli[0]["ledger"] == [{"outcome": "rehearsal", "spent_usd": 0}]
    # A preview costs nothing: its project is not read for the daily budget.
    assert not any(_registered(p) for p in (cli_project, panel_project, sample_project.root))
