"""The fal account's remaining credit, read for the launch seam and the panel.

Reading it needs an admin key; an ordinary key gets 401/403. That answer is
remembered per key for the life of the process, so the user hears once that
nothing asks fal again until `force` (a 422 "account in good standing" after
submit); the panel says so once.
A network failure is not remembered: the balance is just unknown this time,
and the launch carries on under the budgets it has.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from decimal import Decimal

from qcut_ai.engine.connection import FalConnection
from qcut_ai.services.fal_billing import UNREADABLE_NOTE, BalanceUnreadable, read_balance
from qcut_ai.services.fal_platform import FalPlatformClient, PlatformError

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_UNREADABLE: set[str] = set()  # fingerprints of keys fal would not show the credit to


@dataclass(frozen=True)
class BalanceRead:
    """The credit in USD (None when unknown) and, when it is unknown, why in one sentence."""

    usd: Decimal | None
    note: str = ""
    unreadable: bool = False  # the key cannot read billing (not a passing failure)


def _fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def fetch_balance(key: str | None, base_url: str | None, *, force: bool = False) -> BalanceRead:
    """Ask fal for the credit left; never raises (an unknown balance blocks nothing)."""
    if not key:
        return BalanceRead(None)
    fingerprint = _fingerprint(key)
    with _LOCK:
        known_unreadable = fingerprint in _UNREADABLE
    if known_unreadable and not force:
        return BalanceRead(None, UNREADABLE_NOTE, unreadable=True)
    try:
        with FalPlatformClient(
            key, base_url=base_url, timeout_s=10.0, attempts=2, backoff_s=0.2
        ) as client:
            usd = read_balance(client)
    except BalanceUnreadable as exc:
        with _LOCK:
            _UNREADABLE.add(fingerprint)
        return BalanceRead(None, exc.message, unreadable=True)
    except PlatformError as exc:
        log.info("spend: balance not read: %s", exc.message)
        return BalanceRead(None, exc.message)
    with _LOCK:
        _UNREADABLE.discard(fingerprint)
    return BalanceRead(usd)


def connection_balance(connection: FalConnection, *, force: bool = False) -> BalanceRead:
    """The credit behind a fal connection; an offline preview has no account to read."""
    if connection.offline:
        return BalanceRead(None)
    return fetch_balance(connection.key.value, connection.base_url, force=force)


def forget_unreadable() -> None:
    """Ask again next time (a new key was set)."""
    with _LOCK:
        _UNREADABLE.clear()
