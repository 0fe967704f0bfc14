"""fal's Platform API on the stand-in: GET /v1/models, /v1/models/pricing and
POST /v1/models/pricing/estimate, answered from the recorded registry.

Shapes follow fal's own spec (fal-registry/platform-api.md): list, find and
search modes, `expand=openapi-3.0`, cursor pages (`limit`, `cursor` ->
`next_cursor`, `has_more`; the cursor is the base64 of the page number, as
fal's), errors as `{"error": {"type", "message"}}`. Listing needs no key;
pricing answers 401 without one. Platform faults (`platform-401`, `-429`,
`-500`, `-truncated`) and `malformed-schema` rehearse a broken fal.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from qcut_ai.services.rehearsal import billing_api

if TYPE_CHECKING:
    from qcut_ai.services.rehearsal.handler import StandInHandler

MAX_IDS = 50
PAGE_LIMITS = {False: (50, 100), True: (10, 20)}  # (default, max) without / with expand
_ERROR_TYPES = {
    400: "validation_error",
    401: "authorization_error",
    404: "not_found",
    429: "rate_limited",
    500: "server_error",
}
_ERROR_MESSAGES = {
    400: "Invalid request parameters",
    401: "Authentication required",
    404: "Resource not found",
    429: "Rate limit exceeded",
    500: "An unexpected error occurred",
}
MALFORMED_DOCUMENT = {"openapi": "3.0.4", "paths": "not an object", "components": [1, 2, 3]}


def _error(h: StandInHandler, status: int, message: str | None = None) -> None:
    body = {"error": {"type": _ERROR_TYPES[status], "message": message or _ERROR_MESSAGES[status]}}
    h.send_json(status, body)


def _query(raw: str) -> dict[str, list[str]]:
    return parse_qs(raw, keep_blank_values=False)


def _ids(query: dict[str, list[str]]) -> list[str]:
    found: list[str] = []
    for value in query.get("endpoint_id", []):
        found += [part for part in value.split(",") if part]
    return found


def _faulted(h: StandInHandler) -> bool:
    """Answer a platform fault armed for this call; True when one was answered."""
    fault = h.app.faults.peek("platform", None)
    if fault is None or fault.name == "platform-truncated":
        return False  # truncation happens when a model list page is written
    h.app.faults.take("platform", None)
    if fault.name == "platform-401":
        _error(h, 401)
    elif fault.name == "platform-429":
        h.send_json(
            429,
            {"error": {"type": "rate_limited", "message": "Rate limit exceeded"}},
            {"Retry-After": "0"},
        )
    else:
        _error(h, 500)
    return True


def _page_number(cursor: str | None) -> int | None:
    if not cursor:
        return 1
    try:
        return int(base64.b64decode(cursor, validate=True).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _cursor(page: int) -> str:
    return base64.b64encode(str(page).encode()).decode()


def models(h: StandInHandler, raw_query: str) -> None:
    """GET /v1/models in list, find and search mode."""
    if _faulted(h):
        return
    query = _query(raw_query)
    expand = "openapi-3.0" in [e for v in query.get("expand", []) for e in v.split(",")]
    ids = _ids(query)
    if len(ids) > MAX_IDS:
        _error(h, 400, f"At most {MAX_IDS} endpoint ids per request")
        return
    registry = h.app.registry
    category = (query.get("category") or [""])[-1]
    status = (query.get("status") or [""])[-1]
    text = (query.get("q") or [""])[-1]
    if ids:
        chosen = [i for i in dict.fromkeys(ids) if registry.knows(i)]
        if not chosen:
            _error(h, 404)
            return
        chosen = [
            i
            for i in chosen
            if not (category or status or text)
            or registry.matches(i, category=category, status=status, query=text)
        ]
    else:
        chosen = [
            i
            for i in registry.ids()
            if registry.matches(i, category=category, status=status, query=text)
        ]
    default, most = PAGE_LIMITS[expand]
    try:
        limit = int((query.get("limit") or [str(default)])[-1])
    except ValueError:
        limit = 0
    cursors = query.get("cursor")
    page = _page_number(cursors[-1] if cursors else None)
    if limit < 1 or page is None or page < 1:
        _error(h, 400)
        return
    limit = min(limit, most)
    start = (page - 1) * limit
    items = []
    for endpoint_id in chosen[start : start + limit]:
        model = registry.model(endpoint_id, expand=expand)
        if expand and h.app.faults.take("schema", endpoint_id) is not None:
            model = {**model, "openapi": MALFORMED_DOCUMENT}
        items.append(model)
    more = start + limit < len(chosen)
    body = {"models": items, "next_cursor": _cursor(page + 1) if more else None, "has_more": more}
    data = json.dumps(body).encode("utf-8")
    fault = h.app.faults.peek("platform", None)
    if fault is not None and fault.name == "platform-truncated":
        h.app.faults.take("platform", None)
        # The answer stops mid-way: the client reads a short, broken JSON body.
        cut = data[: max(1, len(data) // 2)]
        h.send_bytes(200, cut, "application/json")
        return
    h.send_bytes(200, data, "application/json")


def pricing(h: StandInHandler, raw_query: str) -> None:
    """GET /v1/models/pricing: one unit price per endpoint (a key is required)."""
    if _faulted(h):
        return
    if not h.app.key_ok(h.headers.get("Authorization")):
        _error(h, 401)
        return
    ids = _ids(_query(raw_query))
    if not ids or len(ids) > MAX_IDS:
        _error(h, 400, f"Give 1 to {MAX_IDS} endpoint ids")
        return
    registry = h.app.registry
    if not any(registry.knows(i) for i in ids):
        _error(h, 404)
        return
    prices = [p for p in (registry.price(i) for i in dict.fromkeys(ids)) if p is not None]
    h.send_json(200, {"prices": prices, "next_cursor": None, "has_more": False})


def estimate(h: StandInHandler, body: bytes) -> None:
    """POST /v1/models/pricing/estimate: unit price x units (or calls), summed."""
    if _faulted(h):
        return
    if not h.app.key_ok(h.headers.get("Authorization")):
        _error(h, 401)
        return
    try:
        request = json.loads(body or b"null")
    except ValueError:
        request = None
    kind = request.get("estimate_type") if isinstance(request, dict) else None
    endpoints = request.get("endpoints") if isinstance(request, dict) else None
    if kind not in ("unit_price", "historical_api_price") or not isinstance(endpoints, dict):
        _error(h, 400)
        return
    field = "unit_quantity" if kind == "unit_price" else "call_quantity"
    total = 0.0
    for endpoint_id, ask in endpoints.items():
        quantity = ask.get(field) if isinstance(ask, dict) else None
        if isinstance(quantity, bool) or not isinstance(quantity, int | float) or quantity <= 0:
            _error(h, 400)
            return
        price = h.app.registry.price(str(endpoint_id))
        if price is None:
            _error(h, 404, f"No price for {endpoint_id}")
            return
        total += float(price["unit_price"]) * float(quantity)
    h.send_json(200, {"estimate_type": kind, "total_cost": round(total, 6), "currency": "USD"})


def route(h: StandInHandler, method: str, path: str, raw_query: str, body: bytes) -> bool:
    """Answer a Platform API request; False when the path is not one of its routes."""
    if method in ("GET", "HEAD") and path in ("/v1/models", "/v1/models/"):
        models(h, raw_query)
    elif method == "GET" and path == "/v1/models/pricing":
        pricing(h, raw_query)
    elif method == "POST" and path == "/v1/models/pricing/estimate":
        estimate(h, body)
    elif method == "GET" and path == "/v1/models/usage":
        billing_api.usage(h, raw_query)
    elif method == "GET" and path == "/v1/account/billing":
        billing_api.billing(h)
    elif path.startswith("/v1/"):
        _error(h, 404)
    else:
        return False
    return True
