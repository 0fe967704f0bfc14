"""Decides where fal traffic goes and with which key, for the CLI and the app.

* `--offline` / offline preview: a built-in stand-in on loopback, its own key; in this
  process, or in its own (`engine.standin_process`) so its jobs outlive the session.
* `QCUT_AI_FAL_URL`: every fal call to that base URL, with the user's key.
* otherwise fal itself, with the key from FAL_KEY or the keyring.
"""

from __future__ import annotations

import os
import threading
from typing import Any
from urllib.parse import urlsplit

from qcut_ai.core.settings import Settings
from qcut_ai.services.fal_endpoints import apply_base_url, base_url_from_env, restore_constants
from qcut_ai.services.fal_gateway import FalGateway, PollPolicy
from qcut_ai.services.logs import remember_secret
from qcut_ai.services.media_hosts import AllowedHosts
from qcut_ai.services.secrets import FalKey, KeyringStore, require_key

STANDIN_PROFILE_ENV = "QCUT_AI_STANDIN_PROFILE"


class FalConnection:
    """Owns the gateway (rebuilt when the key changes) and, offline, the stand-in."""

    def __init__(self, key: FalKey, *, base_url: str | None, poll: PollPolicy, standin: Any = None):
        self.key = key
        self.base_url = base_url
        self.poll = poll
        self.standin = standin
        self._previous = apply_base_url(base_url) if base_url else None
        self._gateway: FalGateway | None = None
        self._lock = threading.Lock()

    def allowed_hosts(self) -> AllowedHosts:
        """Download allow-list: fal's media hosts, plus the override host when set."""
        if self.base_url:
            return AllowedHosts(override=urlsplit(self.base_url).netloc.lower())
        return AllowedHosts.from_env()

    @property
    def offline(self) -> bool:
        return self.standin is not None

    @property
    def backend(self) -> str:
        """Where jobs go, as journaled. An offline session is its own backend: its jobs
        end with it, while jobs sent to fal (or an override URL) outlive the app."""
        if self.standin is not None:
            return f"offline:{self.base_url}"
        return self.base_url or "fal"

    def gateway(self) -> FalGateway:
        with self._lock:
            if self._gateway is None:
                self._gateway = FalGateway(self.key.value, poll=self.poll)
            return self._gateway

    def set_key(self, key: FalKey) -> None:
        """A new key means a new fal-client (it caches its auth header)."""
        with self._lock:
            if self._gateway is not None:
                self._gateway.close()
            self._gateway = None
            self.key = key

    def close(self) -> None:
        with self._lock:
            if self._gateway is not None:
                self._gateway.close()
                self._gateway = None
        if self.standin is not None:
            self.standin.stop()
            self.standin = None
        if self._previous is not None:
            restore_constants(self._previous)
            self._previous = None

    def __enter__(self) -> FalConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def poll_policy(settings: Settings) -> PollPolicy:
    return PollPolicy(
        interval_s=settings.poll_interval_s,
        max_interval_s=max(settings.poll_interval_s, settings.poll_max_interval_s),
        deadline_factor=settings.deadline_factor,
        deadline_grace_s=settings.deadline_grace_s,
    )


def connect(
    settings: Settings, *, offline: bool, store: KeyringStore | None = None
) -> FalConnection:
    """Build the connection; raises MissingKeyError when online with no key."""
    poll = poll_policy(settings)
    if offline:
        from qcut_ai.engine.standin_process import own_process_wanted, shared_standin
        from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn

        profile = os.environ.get(STANDIN_PROFILE_ENV, "fast")
        # Its own process outlives this session, so its jobs resume in the next one.
        standin: Any = (
            shared_standin(profile)
            if own_process_wanted(settings.standin_own_process)
            else StandIn(profile=profile).start()
        )
        return FalConnection(
            FalKey(OFFLINE_KEY, "offline"), base_url=standin.base_url, poll=poll, standin=standin
        )
    key = require_key(store)
    remember_secret(key.value)  # the log redacts it even where it came from the keyring
    return FalConnection(key, base_url=base_url_from_env(), poll=poll)
