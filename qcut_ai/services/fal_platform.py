"""fal's Platform API (`api.fal.ai/v1`): the model list, schemas and prices.

A small httpx client, no Qt. Every route goes through `_send`, which retries
429 and 5xx answers (and dropped connections) with backoff, honours
`Retry-After`, bounds every answer (`fal_http_guard`), and turns each
failure into one `PlatformError` sentence. Paged routes share `_pages`
(`limit`/`cursor` in, `next_cursor`/`has_more` out), so further routes of
the same API (usage, billing) are a method each.

The key travels as `Authorization: Key <key>` to fal's own hosts, or to the
base URL `QCUT_AI_FAL_URL` names (`<base>/v1/...`), never elsewhere; listing
models works without a key, prices need one.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from qcut_ai import __version__
from qcut_ai.core.errors import QcutError
from qcut_ai.services.fal_endpoints import base_url_from_env, normalise_base_url
from qcut_ai.services.fal_http_guard import (
    FAL_KEY_HOSTS,
    AnswerTooLargeError,
    KeyScope,
    guard_client,
)
from qcut_ai.services.media_hosts import netloc_of

log = logging.getLogger(__name__)

PLATFORM_BASE = "https://api.fal.ai"
MAX_IDS_PER_CALL = 50  # fal's limit for endpoint_id lists
MAX_ANSWER_BYTES = 16 * 1024**2  # a page of OpenAPI documents is a few MB at most
MAX_PAGES = 1_000  # a cursor that never ends is a broken answer, not a catalogue
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class PlatformError(QcutError):
    """A Platform API call failed; the message is one sentence saying what happened.

    `status` is the HTTP status (None when no answer came); `kind` is
    "auth", "rate", "server", "network", "too_large", "bad_answer",
    "not_found" or "refused".
    """

    def __init__(self, message: str, *, hint: str = "", status: int | None = None, kind: str = ""):
        super().__init__(message, hint=hint)
        self.status = status
        self.kind = kind
        self.retry_after: float | None = None  # what fal's Retry-After asked for


@dataclass(frozen=True)
class Page:
    """One page of a paged route."""

    items: list[Any]
    next_cursor: str | None
    has_more: bool


def _fal_error_text(response: httpx.Response) -> str:
    """fal's `{"error": {"type", "message"}}` message, or a short piece of the body."""
    try:
        body = json.loads(response.content[:65536] or b"null")
    except ValueError:
        return ""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"][:200]
        if isinstance(body.get("detail"), str):
            return body["detail"][:200]
    return ""


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(raw)) if raw else None
    except ValueError:
        return None


class FalPlatformClient:
    """A connection to fal's Platform API. Use as a context manager, or call close()."""

    def __init__(
        self,
        key: str | None = None,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout_s: float = 30.0,
        attempts: int = 4,
        backoff_s: float = 0.5,
        max_backoff_s: float = 8.0,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        base = normalise_base_url(base_url) if base_url else base_url_from_env() or PLATFORM_BASE
        self.base_url = base
        self.has_key = bool(key)
        self.attempts = max(1, attempts)
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._sleep = sleep
        host = (urlsplit(base).hostname or "").lower()
        own = any(host == p or (p.startswith("*.") and host.endswith(p[1:])) for p in FAL_KEY_HOSTS)
        scope = KeyScope() if own else KeyScope(netloc_of(base), urlsplit(base).scheme.lower())
        headers = {"User-Agent": f"qcut-ai/{__version__}", "Accept": "application/json"}
        if key and scope.allows(base + "/v1/models"):
            headers["Authorization"] = f"Key {key}"
        self._http = httpx.Client(
            base_url=base,
            headers=headers,
            timeout=timeout_s,
            transport=transport,
            follow_redirects=False,
        )
        guard_client(self._http, scope, max_answer_bytes)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> FalPlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- routes ------------------------------------------------------------------

    def models(
        self,
        *,
        category: str | None = None,
        status: str | None = None,
        query: str | None = None,
        endpoint_ids: Sequence[str] = (),
        expand_openapi: bool = False,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """GET /v1/models in list, find or search mode, every page; yields each model
        object as fal sent it (callers validate them one by one)."""
        params: list[tuple[str, str]] = []
        for name, value in (("category", category), ("status", status), ("q", query)):
            if value:
                params.append((name, value))
        params += [("endpoint_id", e) for e in endpoint_ids]
        if expand_openapi:
            params.append(("expand", "openapi-3.0"))
        if limit:
            params.append(("limit", str(limit)))
        for page in self._pages("/v1/models", params, "models", "the model list"):
            yield from page.items

    def find_models(
        self, endpoint_ids: Sequence[str], *, expand_openapi: bool = False
    ) -> list[dict[str, Any]]:
        """The models fal knows among these ids (find mode, 50 per call)."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(endpoint_ids), MAX_IDS_PER_CALL):
            chunk = endpoint_ids[start : start + MAX_IDS_PER_CALL]
            try:
                found += list(self.models(endpoint_ids=chunk, expand_openapi=expand_openapi))
            except PlatformError as exc:
                if exc.kind != "not_found":
                    raise
                # fal answers 404 when it knows none of the ids asked for.
        return found

    def prices(self, endpoint_ids: Sequence[str]) -> list[dict[str, Any]]:
        """GET /v1/models/pricing: `{endpoint_id, unit_price, unit, currency}` per endpoint."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(endpoint_ids), MAX_IDS_PER_CALL):
            chunk = endpoint_ids[start : start + MAX_IDS_PER_CALL]
            params = [("endpoint_id", e) for e in chunk]
            try:
                for page in self._pages("/v1/models/pricing", params, "prices", "the prices"):
                    found += page.items
            except PlatformError as exc:
                if exc.kind != "not_found":
                    raise
        return found

    def estimate(
        self, quantities: Mapping[str, float], *, estimate_type: str = "unit_price"
    ) -> dict[str, Any]:
        """POST /v1/models/pricing/estimate for {endpoint: billing units (or calls)}."""
        key = "unit_quantity" if estimate_type == "unit_price" else "call_quantity"
        body = {
            "estimate_type": estimate_type,
            "endpoints": {e: {key: q} for e, q in quantities.items()},
        }
        answer = self._json(
            self._send("POST", "/v1/models/pricing/estimate", [], body, "a price estimate"),
            "a price estimate",
        )
        if not isinstance(answer, dict) or not isinstance(answer.get("total_cost"), int | float):
            raise self._bad("a price estimate", "it has no total cost")
        return answer

    def usage(
        self, endpoint_ids: Sequence[str], *, start: str, end: str, timeframe: str = "day"
    ) -> list[dict[str, Any]]:
        """GET /v1/models/usage (admin key): `{bucket, results: [UsageLine]}` per time
        bucket, UTC, for these endpoints (50 per call); `end` is exclusive."""
        buckets: list[dict[str, Any]] = []
        window = [("start", start), ("end", end), ("timeframe", timeframe), ("timezone", "UTC")]
        for first in range(0, len(endpoint_ids), MAX_IDS_PER_CALL):
            chunk = endpoint_ids[first : first + MAX_IDS_PER_CALL]
            params = [("endpoint_id", e) for e in chunk] + window + [("expand", "time_series")]
            try:
                for page in self._pages("/v1/models/usage", params, "time_series", "fal's usage"):
                    buckets += page.items
            except PlatformError as exc:
                if exc.kind != "not_found":
                    raise
        return buckets

    def billing(self) -> dict[str, Any]:
        """GET /v1/account/billing?expand=credits (admin key): the account's credit."""
        what = "the account's credit"
        answer = self._json(
            self._send("GET", "/v1/account/billing", [("expand", "credits")], None, what), what
        )
        if not isinstance(answer, dict):
            raise self._bad(what, "it is not an object")
        return answer

    # -- plumbing -----------------------------------------------------------------

    def _pages(
        self, path: str, params: list[tuple[str, str]], key: str, what: str
    ) -> Iterator[Page]:
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            query = params + ([("cursor", cursor)] if cursor else [])
            answer = self._json(self._send("GET", path, query, None, what), what)
            items = answer.get(key) if isinstance(answer, dict) else None
            if not isinstance(items, list):
                raise self._bad(what, f"it has no list of {key}")
            next_cursor = answer.get("next_cursor")
            has_more = bool(answer.get("has_more")) and isinstance(next_cursor, str)
            yield Page(items, next_cursor if has_more else None, has_more)
            if not has_more:
                return
            assert isinstance(next_cursor, str)
            if next_cursor in seen:
                raise self._bad(what, "its pages repeat")
            seen.add(next_cursor)
            cursor = next_cursor
        raise self._bad(what, f"it has more than {MAX_PAGES} pages")

    def _bad(self, what: str, why: str) -> PlatformError:
        return PlatformError(
            f"{what[0].upper()}{what[1:]} came back in a shape qcut-ai cannot read ({why}).",
            hint="Try again later; nothing was changed.",
            kind="bad_answer",
        )

    def _json(self, response: httpx.Response, what: str) -> Any:
        try:
            return json.loads(response.content)
        except ValueError:
            raise PlatformError(
                f"{what[0].upper()}{what[1:]} was not valid JSON (the answer was cut off or "
                "damaged).",
                hint="Try again later; nothing was changed.",
                kind="bad_answer",
            ) from None

    def _send(
        self,
        method: str,
        path: str,
        params: list[tuple[str, str]],
        body: Any,
        what: str,
    ) -> httpx.Response:
        """One call, retried on 429/5xx/dropped connections; the answer read in full."""
        last: PlatformError | None = None
        for attempt in range(self.attempts):
            if attempt:
                self._sleep(self._delay(attempt, last))
            try:
                query: list[tuple[str, str | int | float | bool | None]] = list(params)
                response = self._http.request(method, path, params=query, json=body)
            except AnswerTooLargeError as exc:
                raise PlatformError(
                    f"{what[0].upper()}{what[1:]} was larger than "
                    f"{exc.limit // 1024**2} MB and was not read.",
                    hint="Try again later; nothing was changed.",
                    kind="too_large",
                ) from None
            except httpx.HTTPError as exc:
                last = PlatformError(
                    f"fal's Platform API could not be reached for {what} ({type(exc).__name__}).",
                    hint="Check your connection; the catalogue was left as it was.",
                    kind="network",
                )
                continue
            if response.status_code < 400:
                # A body cut off mid-way is worth another try, like a dropped connection.
                if response.headers.get("content-type", "").startswith("application/json"):
                    try:
                        json.loads(response.content)
                    except ValueError:
                        last = PlatformError(
                            f"{what[0].upper()}{what[1:]} was not valid JSON (the answer was "
                            "cut off or damaged).",
                            hint="Try again later; nothing was changed.",
                            kind="bad_answer",
                        )
                        continue
                return response
            error = self._error(response, what)
            if response.status_code not in _RETRY_STATUSES:
                raise error
            error.retry_after = _retry_after(response)
            last = error
        assert last is not None
        if last.kind in ("rate", "server", "network", "bad_answer"):
            tries = "1 try" if self.attempts == 1 else f"{self.attempts} tries"
            last = PlatformError(
                f"{last.message.rstrip('.')}, after {tries}.",
                hint=last.hint,
                status=last.status,
                kind=last.kind,
            )
        raise last

    def _delay(self, attempt: int, last: PlatformError | None) -> float:
        delay = self.backoff_s * (2 ** (attempt - 1))
        if last is not None and last.retry_after is not None:
            delay = max(delay, last.retry_after)
        return min(delay, self.max_backoff_s)

    def _error(self, response: httpx.Response, what: str) -> PlatformError:
        status = response.status_code
        said = _fal_error_text(response)
        detail = f": {said}" if said else ""
        if status == 401:
            return PlatformError(
                f"fal refused the key when asked for {what} (401{detail}).",
                hint="Set a valid key in Settings or with `qcut-ai key set`.",
                status=status,
                kind="auth",
            )
        if status == 403:
            return PlatformError(
                f"fal denied access to {what} (403{detail}).",
                hint="Check the key's scope at fal.ai/dashboard/keys.",
                status=status,
                kind="auth",
            )
        if status == 404:
            return PlatformError(
                f"fal does not know what was asked for in {what} (404{detail}).",
                status=status,
                kind="not_found",
            )
        if status == 429:
            return PlatformError(
                f"fal kept rate limiting requests for {what} (429)",
                hint="Wait a minute and run `qcut-ai models sync` again.",
                status=status,
                kind="rate",
            )
        if status >= 500:
            return PlatformError(
                f"fal had a server error ({status}) when asked for {what}",
                hint="Try again later; the catalogue was left as it was.",
                status=status,
                kind="server",
            )
        return PlatformError(
            f"fal refused the request for {what} ({status}{detail}).",
            hint="If this keeps happening, report it with the log file.",
            status=status,
            kind="refused",
        )
