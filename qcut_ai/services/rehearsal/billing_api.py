"""fal's usage and billing routes on the stand-in: GET /v1/models/usage and
GET /v1/account/billing, answered from its own record of jobs.

fal bills only successful outputs, so a job counts once it finished without
a failure and was not cancelled; its cost is the registry's unit price times
its units (seconds of video for a per-second price, else one per output).
`BillingBook` holds what a test configures: the credit the account started
with (what was billed is taken off it), which keys are admin keys (others get
403, as fal's ordinary keys do), and usage from another tool on the same key.
The `usage-price-differs` fault bills an endpoint 25 % above its price.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from qcut_ai.services.rehearsal.arguments import parse_duration
from qcut_ai.services.rehearsal.faults import ANSWER_FAULTS
from qcut_ai.services.rehearsal.state import Job

if TYPE_CHECKING:
    from qcut_ai.services.rehearsal.handler import StandInHandler

DIFFERS_FACTOR = 1.25


@dataclass
class ForeignUsage:
    """A job another tool ran on the same key: billed, unknown to qcut-ai's ledger."""

    endpoint_id: str
    cost: float
    at: float = field(default_factory=time.time)


class BillingBook:
    """The stand-in account's money. Thread-safe enough for tests (one writer)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.starting_balance: float = 100.0
        self.admin_keys: frozenset[str] | None = None  # None: every accepted key is admin
        self.foreign: list[ForeignUsage] = []
        self.billing_reads = 0
        self.usage_reads = 0

    def set_admin_keys(self, keys: Collection[str] | None) -> None:
        with self._lock:
            self.admin_keys = None if keys is None else frozenset(keys)

    def is_admin(self, header: str | None) -> bool:
        _, _, key = (header or "").strip().partition(" ")
        with self._lock:
            return self.admin_keys is None or key.strip() in self.admin_keys

    def add_foreign(self, endpoint_id: str, cost: float) -> None:
        with self._lock:
            self.foreign.append(ForeignUsage(endpoint_id, cost))


def _billed(job: Job, now: float) -> bool:
    if job.kind != "video" or job.cancelled_at is not None or not job.is_completed(now):
        return False
    return job.failure is None or job.failure.name in ANSWER_FAULTS


def _units(job: Job, unit: str) -> float:
    if unit.startswith("second"):
        return parse_duration(job.arguments.get("duration")) or 5.0
    return 1.0


def _lines(h: StandInHandler) -> list[tuple[str, str, str, float, float, float]]:
    """(day, endpoint, unit, quantity, unit_price, cost) of every billed job."""
    now = time.monotonic()
    found = []
    for job in h.app.jobs.all():
        if not _billed(job, now):
            continue
        price = h.app.registry.price(job.endpoint) or {"unit_price": 0.0, "unit": "video"}
        unit_price = float(price["unit_price"])
        fault = h.app.faults.peek("usage", job.endpoint)
        if fault is not None and fault.name == "usage-price-differs":
            unit_price = round(unit_price * DIFFERS_FACTOR, 6)
        quantity = _units(job, str(price["unit"]))
        day = datetime.fromtimestamp(job.created_wall, tz=UTC).date().isoformat()
        found.append(
            (day, job.endpoint, str(price["unit"]), quantity, unit_price, quantity * unit_price)
        )
    for other in h.app.billing.foreign:
        day = datetime.fromtimestamp(other.at, tz=UTC).date().isoformat()
        found.append((day, other.endpoint_id, "video", 1.0, other.cost, other.cost))
    return found


def _error(h: StandInHandler, status: int, kind: str, message: str) -> None:
    h.send_json(status, {"error": {"type": kind, "message": message}})


def _allowed(h: StandInHandler) -> bool:
    header = h.headers.get("Authorization")
    if not h.app.key_ok(header):
        _error(h, 401, "authorization_error", "Authentication required")
        return False
    if not h.app.billing.is_admin(header):
        _error(h, 403, "authorization_error", "Access denied")
        return False
    return True


def usage(h: StandInHandler, raw_query: str) -> None:
    """GET /v1/models/usage with expand=time_series, one bucket per UTC day."""
    h.app.billing.usage_reads += 1
    if not _allowed(h):
        return
    query = parse_qs(raw_query)
    wanted = {part for v in query.get("endpoint_id", []) for part in v.split(",") if part}
    start = (query.get("start") or [""])[-1][:10]
    end = (query.get("end") or ["9999-12-31"])[-1][:10]
    buckets: dict[str, dict[str, list[float | str]]] = {}
    for day, endpoint, unit, quantity, unit_price, cost in _lines(h):
        if (wanted and endpoint not in wanted) or day < start or day >= end:
            continue
        row = buckets.setdefault(day, {}).setdefault(endpoint, [unit, 0.0, unit_price, 0.0])
        row[1] = float(row[1]) + quantity
        row[3] = float(row[3]) + cost
    series = [
        {
            "bucket": f"{day}T00:00:00Z",
            "results": [
                {
                    "endpoint_id": endpoint,
                    "unit": row[0],
                    "quantity": row[1],
                    "unit_price": row[2],
                    "cost": round(float(row[3]), 6),
                    "currency": "USD",
                }
                for endpoint, row in sorted(by_endpoint.items())
            ],
        }
        for day, by_endpoint in sorted(buckets.items())
    ]
    h.send_json(200, {"time_series": series, "next_cursor": None, "has_more": False})


def billing(h: StandInHandler) -> None:
    """GET /v1/account/billing?expand=credits: what the account started with, less usage."""
    h.app.billing.billing_reads += 1
    if not _allowed(h):
        return
    spent = sum(line[5] for line in _lines(h))
    balance = round(h.app.billing.starting_balance - spent, 6)
    h.send_json(
        200,
        {"username": "standin", "credits": {"current_balance": balance, "currency": "USD"}},
    )
