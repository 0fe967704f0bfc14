"""Point the real fal-client at one base URL (`QCUT_AI_FAL_URL`).

fal-client 1.0.3 hard-codes https hosts; it reads four module constants of
`fal_client.client` when a call is made, so replacing them sends queue, run
and storage traffic to the given base (a loopback stand-in or a company
proxy). These are private names of an exactly pinned release;
tests/services/test_fal_endpoints.py is the canary that fails if they change.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from qcut_ai.core.errors import ConfigError

FAL_URL_ENV = "QCUT_AI_FAL_URL"
PATCHED_CONSTANTS = ("QUEUE_URL_FORMAT", "RUN_URL_FORMAT", "REST_URL", "CDN_URL")
_LOOPBACK_NO_PROXY = "127.0.0.1,localhost,::1"


def base_url_from_env() -> str | None:
    """The override from the environment, validated, or None."""
    raw = os.environ.get(FAL_URL_ENV, "").strip()
    return normalise_base_url(raw) if raw else None


def normalise_base_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{FAL_URL_ENV}={raw!r} is not an http(s) URL.",
            hint="Use a base URL such as http://127.0.0.1:8765.",
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def current_constants() -> dict[str, Any]:
    import fal_client.client as fc

    return {name: getattr(fc, name) for name in PATCHED_CONSTANTS}


def apply_base_url(base_url: str) -> dict[str, Any]:
    """Send all fal-client traffic to `base_url`; returns the previous constants."""
    import fal_client.client as fc

    base = normalise_base_url(base_url)
    previous = current_constants()
    fc.QUEUE_URL_FORMAT = base + "/"
    fc.RUN_URL_FORMAT = base + "/"
    fc.REST_URL = base
    fc.CDN_URL = base
    host = urlsplit(base).hostname or ""
    if host in ("127.0.0.1", "localhost", "::1"):
        # httpx honours system proxies with no automatic localhost bypass.
        existing = os.environ.get("NO_PROXY", "")
        if _LOOPBACK_NO_PROXY not in existing:
            os.environ["NO_PROXY"] = ",".join(p for p in (existing, _LOOPBACK_NO_PROXY) if p)
    return previous


def restore_constants(previous: dict[str, Any]) -> None:
    import fal_client.client as fc

    for name, value in previous.items():
        setattr(fc, name, value)
