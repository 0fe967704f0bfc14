"""What fal says it billed and what credit is left, read through the Platform API.

`read_usage` turns `GET /v1/models/usage` time buckets into one `BilledLine`
per UTC day and endpoint; `read_balance` reads `GET /v1/account/billing`.
Both need an admin key: an ordinary key gets 403, which `BalanceUnreadable`
and `PlatformError.kind == "auth"` carry so callers can say so once.
Nothing is sent except these reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from qcut_ai.services.fal_platform import FalPlatformClient, PlatformError

BILLING_PAGE = "https://fal.ai/dashboard/billing"
UNREADABLE_NOTE = "The remaining credit can't be read with this fal key (it needs an admin key)."


@dataclass(frozen=True)
class BilledLine:
    """fal's usage of one endpoint on one UTC day."""

    day: str  # YYYY-MM-DD
    endpoint_id: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    cost: Decimal


class BalanceUnreadable(PlatformError):
    """The key may not read the account's credit (401/403: not an admin key)."""


def _decimal(value: Any, *, signed: bool = False) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and (signed or number >= 0) else None


def _lines(bucket: Any) -> list[BilledLine]:
    if not isinstance(bucket, dict) or not isinstance(bucket.get("bucket"), str):
        return []
    day = bucket["bucket"][:10]
    found = []
    for result in bucket.get("results") or []:
        if not isinstance(result, dict) or not isinstance(result.get("endpoint_id"), str):
            continue
        cost = _decimal(result.get("cost"))
        if cost is None:
            continue
        found.append(
            BilledLine(
                day=day,
                endpoint_id=result["endpoint_id"],
                unit=str(result.get("unit") or ""),
                quantity=_decimal(result.get("quantity")) or Decimal(0),
                unit_price=_decimal(result.get("unit_price")) or Decimal(0),
                cost=cost,
            )
        )
    return found


def read_usage(
    client: FalPlatformClient, endpoint_ids: list[str], first: date, last: date
) -> list[BilledLine]:
    """fal's billed lines for these endpoints, from `first` to `last` (UTC days, inclusive)."""
    if not endpoint_ids:
        return []
    end = last + timedelta(days=1)  # fal's end is exclusive
    buckets = client.usage(endpoint_ids, start=first.isoformat(), end=end.isoformat())
    merged: dict[tuple[str, str], BilledLine] = {}
    for bucket in buckets:
        for line in _lines(bucket):
            key = (line.day, line.endpoint_id)
            old = merged.get(key)
            if old is not None:  # one endpoint billed in two units the same day: add them up
                line = BilledLine(
                    line.day,
                    line.endpoint_id,
                    old.unit,
                    old.quantity + line.quantity,
                    old.unit_price,
                    old.cost + line.cost,
                )
            merged[key] = line
    return sorted(merged.values(), key=lambda b: (b.day, b.endpoint_id))


def read_balance(client: FalPlatformClient) -> Decimal:
    """The account's remaining credit in USD; BalanceUnreadable for a non-admin key."""
    try:
        answer = client.billing()
    except PlatformError as exc:
        if exc.kind == "auth":
            raise BalanceUnreadable(
                UNREADABLE_NOTE,
                hint="Spend is still estimated and budgets still apply.",
                status=exc.status,
                kind="auth",
            ) from None
        raise
    credits = answer.get("credits")
    balance = (
        _decimal(credits.get("current_balance"), signed=True) if isinstance(credits, dict) else None
    )
    if balance is None:
        raise PlatformError(
            "The account's credit came back in a shape qcut-ai cannot read (no current balance).",
            hint="Try again later; nothing was changed.",
            kind="bad_answer",
        )
    return balance
