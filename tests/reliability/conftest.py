"""Fixtures for the reliability suite: a small, fast stand-in and the engine wired to it.

`standin` renders 72-pixel, one-second clips so a full job takes well under
a second. `engine` runs jobs through the real JobRunner and fal-client against
it; `fal_env` points the `qcut-ai` command at it through QCUT_AI_FAL_URL, the
way a company proxy would be configured. fal-client's own retry delays are
shortened so faults show in milliseconds instead of a minute of back-off.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import fal_client.client as fal_module
import httpx
import pytest
from reliability_support import FAST_POLL, FAST_SETTINGS, Engine

from qcut_ai.core.project import ProjectPaths
from qcut_ai.engine.runner import JobRunner
from qcut_ai.services.fal_endpoints import apply_base_url, restore_constants
from qcut_ai.services.fal_gateway import FalGateway
from qcut_ai.services.media_hosts import AllowedHosts
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.services.settings_store import SettingsStore


@pytest.fixture
def quick_fal_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """fal-client retries twice with millisecond delays; a poll gives up after 2 s."""
    monkeypatch.setattr(fal_module, "MAX_ATTEMPTS", 2)
    monkeypatch.setattr(fal_module, "BASE_DELAY", 0.01)
    monkeypatch.setattr(fal_module, "MAX_DELAY", 0.05)
    monkeypatch.setattr(fal_module, "QUEUE_POLL_TIMEOUT", httpx.Timeout(2.0))


@pytest.fixture
def standin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    monkeypatch.delenv("QCUT_AI_STANDIN_FAULTS", raising=False)
    with StandIn(
        profile="instant",
        media_dir=tmp_path / "standin",
        max_short_side=72,
        max_duration=1.0,
        hang_seconds=1.0,
    ) as server:
        yield server


@pytest.fixture
def engine(
    standin: StandIn, tmp_path: Path, quick_fal_client: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    previous = apply_base_url(standin.base_url)
    gateway = FalGateway(OFFLINE_KEY, poll=FAST_POLL, submit_timeout_s=2.0)
    project = ProjectPaths.at(tmp_path / "P").ensure()
    thumbnails = tmp_path / "thumbs"
    runner = JobRunner(
        project, lambda: gateway, thumbnails, allowed_hosts=AllowedHosts(override=standin.url_host)
    )
    try:
        yield Engine(standin, project, runner, gateway, thumbnails)
    finally:
        gateway.close()
        restore_constants(previous)


@pytest.fixture
def fal_env(standin: StandIn, monkeypatch: pytest.MonkeyPatch, quick_fal_client: None) -> StandIn:
    """`qcut-ai` sends everything to `standin` (QCUT_AI_FAL_URL) with a key, polling fast."""
    monkeypatch.setenv("QCUT_AI_FAL_URL", standin.base_url)
    monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
    SettingsStore().save(FAST_SETTINGS)
    return standin
