"""Fixtures for driving the real fal-client against the offline stand-in.

`standin` is a started StandIn (profile "instant", media in tmp_path) that is
stopped after the test. `fal_client_for(standin, key=...)` returns a real
`fal_client.SyncClient` whose traffic goes to that stand-in; the clients'
connections are closed at teardown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import fal_client
import fal_client.client as fal_module
import pytest

from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn

FalClientFactory = Callable[..., fal_client.SyncClient]


@pytest.fixture
def standin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    monkeypatch.delenv("QCUT_AI_STANDIN_FAULTS", raising=False)
    with StandIn(profile="instant", media_dir=tmp_path / "standin") as server:
        yield server


@pytest.fixture
def fal_client_for(monkeypatch: pytest.MonkeyPatch) -> Iterator[FalClientFactory]:
    clients: list[fal_client.SyncClient] = []
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")

    def make(
        server: StandIn, key: str = OFFLINE_KEY, *, default_timeout: float = 30.0
    ) -> fal_client.SyncClient:
        base = server.base_url
        monkeypatch.setattr(fal_module, "QUEUE_URL_FORMAT", base + "/")
        monkeypatch.setattr(fal_module, "RUN_URL_FORMAT", base + "/")
        monkeypatch.setattr(fal_module, "REST_URL", base)
        monkeypatch.setattr(fal_module, "CDN_URL", base)
        client = fal_client.SyncClient(key=key, default_timeout=default_timeout)
        clients.append(client)
        return client

    yield make
    for client in clients:
        # SyncClient caches its httpx client and never closes it; close it so
        # no socket outlives the test.
        http = client.__dict__.get("_client")
        if http is not None:
            http.close()


@pytest.fixture
def few_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """One attempt per call, so fault tests see the failure instead of 54 s of retries."""
    monkeypatch.setattr(fal_module, "MAX_ATTEMPTS", 1)
    monkeypatch.setattr(fal_module, "BASE_DELAY", 0.01)
    monkeypatch.setattr(fal_module, "MAX_DELAY", 0.05)
