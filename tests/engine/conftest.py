"""A job runner talking to the stand-in over real HTTP, as it would talk to fal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qcut_ai.core.project import ProjectPaths
from qcut_ai.engine.runner import JobRunner
from qcut_ai.services.fal_endpoints import apply_base_url, restore_constants
from qcut_ai.services.fal_gateway import FalGateway, PollPolicy
from qcut_ai.services.media_hosts import AllowedHosts
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn

POLL = PollPolicy(interval_s=0.05, max_interval_s=0.1)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[StandIn, JobRunner, ProjectPaths]]:
    """(stand-in, runner, project): the runner's gateway points at the stand-in."""
    with StandIn(profile="instant", media_dir=tmp_path / "standin") as server:
        previous = apply_base_url(server.base_url)
        gateway = FalGateway(OFFLINE_KEY, poll=POLL)
        project = ProjectPaths.at(tmp_path / "P").ensure()
        allowed = AllowedHosts(override=server.url_host)
        runner = JobRunner(project, lambda: gateway, tmp_path / "thumbs", allowed_hosts=allowed)
        try:
            yield server, runner, project
        finally:
            gateway.close()
            restore_constants(previous)
