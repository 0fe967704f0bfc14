"""Fault injection for the stand-in: what can go wrong, where, and how often.

Faults are armed three ways: from tests (`StandIn.inject`), from the
environment (`QCUT_AI_STANDIN_FAULTS="http-429,file-404*2"`), and per job by
tags in the prompt (`[fault:model-error]`). Each fault belongs to one phase of
the protocol; the server asks the book for a fault when it reaches that phase.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

FAULTS_ENV = "QCUT_AI_STANDIN_FAULTS"

Phase = Literal["submit", "status", "job", "cancel", "file", "platform", "schema", "usage"]

# fal's wording for a locked account as reported on its issue tracker (403).
ACCOUNT_LOCKED_DETAIL = (
    "User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing."
)
# The 422 a suspended or unpaid account gets on submit. The exact text is not
# published; this keeps the words the app keys on ("access denied", "good standing").
ACCESS_DENIED_DETAIL = (
    "Access denied, please make sure your account is in good standing and has enough credits."
)
INVALID_KEY_DETAIL = "No user found for Key ID and Secret"
RATE_LIMIT_DETAIL = "Too many requests. Please slow down and try again."
SERVER_ERROR_DETAIL = "Internal Server Error"
MODEL_FAILED_DETAIL = "The model failed while generating the video."
CONTENT_POLICY_DETAIL = (
    "The request was refused by the content policy checker: the prompt or an input was flagged."
)
VALIDATION_MSG = "Input should be '4s', '6s' or '8s'"


@dataclass(frozen=True)
class FaultSpec:
    """One kind of failure: the protocol phase it hits and whether a retry clears it."""

    name: str
    phase: Phase
    transient: bool
    description: str


_SPECS = (
    FaultSpec("http-401", "submit", False, "401: the key is refused"),
    FaultSpec("http-403-locked", "submit", False, "403: the account is locked"),
    FaultSpec("http-422-access", "submit", False, "422: access denied (account standing)"),
    FaultSpec("http-429", "submit", True, "429 on submit (the client retries)"),
    FaultSpec("http-500", "submit", False, "500 on submit"),
    FaultSpec("hang", "submit", True, "submit never answers for hang_seconds"),
    FaultSpec("drop-submit", "submit", True, "job created, then the connection is dropped"),
    FaultSpec("http-429-status", "status", True, "429 on a status poll"),
    FaultSpec("hang-status", "status", True, "a status poll never answers for hang_seconds"),
    FaultSpec("drop-status", "status", True, "a status poll is dropped without an answer"),
    FaultSpec("status-non-json", "status", True, "a status poll answers 200 with HTML"),
    FaultSpec("status-unknown", "status", True, "a status poll reports an unknown status"),
    FaultSpec("http-422-validation", "job", False, "the job fails with a 422 detail list"),
    FaultSpec("model-error", "job", False, "the job completes with a model error"),
    FaultSpec("content-policy", "job", False, "the job is refused by the content checker"),
    FaultSpec("huge-result", "job", False, "the job succeeds with a 100 MB result JSON"),
    FaultSpec("logs-flood", "job", False, "the job logs ever more lines (MBs per second)"),
    FaultSpec("cancel-after-completion", "cancel", False, "the job completes before the cancel"),
    FaultSpec("file-404", "file", False, "the result URL has expired (404)"),
    FaultSpec("file-403", "file", False, "the result URL has expired (403)"),
    FaultSpec("file-html", "file", False, "the result URL serves an HTML page with 200"),
    FaultSpec("file-truncated", "file", False, "the result is a truncated MP4"),
    FaultSpec("file-empty", "file", False, "the result has zero bytes"),
    FaultSpec("file-huge", "file", False, "the result declares a 50 GB Content-Length"),
    FaultSpec("redirect-host", "file", False, "the result URL redirects to another host"),
    FaultSpec("redirect-file", "file", False, "the result URL redirects to file://"),
    FaultSpec("drop-download", "file", True, "the download is cut off part-way"),
    FaultSpec("platform-401", "platform", False, "a Platform API call answers 401"),
    FaultSpec("platform-429", "platform", True, "a Platform API call answers 429 (retried)"),
    FaultSpec("platform-500", "platform", True, "a Platform API call answers 500"),
    FaultSpec("platform-truncated", "platform", True, "a model list page is cut off mid-body"),
    FaultSpec("malformed-schema", "schema", False, "an endpoint's OpenAPI document is garbage"),
    # Stays armed (it is only peeked at): fal's usage bills this endpoint 25 % above its price.
    FaultSpec("usage-price-differs", "usage", False, "usage bills an endpoint 25% above its price"),
)
FAULTS: dict[str, FaultSpec] = {spec.name: spec for spec in _SPECS}
# "job" faults that change what a successful job answers instead of failing it.
ANSWER_FAULTS = frozenset({"huge-result", "logs-flood"})
HUGE_RESULT_BYTES = 100 * 1024**2
_ALIASES = {
    "http-422": "http-422-validation",
    "http-403": "http-403-locked",
    "expired-404": "file-404",
    "expired-403": "file-403",
    "zero-bytes": "file-empty",
    "truncated": "file-truncated",
}
_TAG = re.compile(r"\[fault:([A-Za-z0-9_-]+)\]")


def fault_spec(name: str) -> FaultSpec:
    """The spec for a fault name (or alias); ValueError for an unknown one."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    try:
        return FAULTS[key]
    except KeyError:
        known = ", ".join(sorted(FAULTS))
        raise ValueError(f"Unknown stand-in fault {name!r}; known faults: {known}.") from None


def faults_in_text(text: str) -> list[FaultSpec]:
    """Faults tagged in a prompt; unknown tags are logged and ignored."""
    found = []
    for match in _TAG.finditer(text):
        try:
            found.append(fault_spec(match.group(1)))
        except ValueError as exc:
            log.warning("%s", exc)
    return found


def parse_fault_list(raw: str) -> list[tuple[str, int | None]]:
    """Parse "a,b*3,c*" into (name, times); times None means every time."""
    parsed: list[tuple[str, int | None]] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        name, star, count = item.partition("*")
        times: int | None = 1
        if star:
            times = int(count) if count.strip() else None
        parsed.append((fault_spec(name).name, times))
    return parsed


@dataclass
class _Armed:
    spec: FaultSpec
    remaining: int | None
    endpoint: str | None

    def matches(self, phase: Phase, endpoint: str | None) -> bool:
        if self.spec.phase != phase:
            return False
        if self.endpoint is None:
            return True
        return endpoint is not None and (
            endpoint == self.endpoint or endpoint.startswith(self.endpoint + "/")
        )


class FaultBook:
    """Armed faults, consumed first-in first-out per phase. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[_Armed] = []

    def inject(self, fault: str, times: int | None = 1, endpoint: str | None = None) -> None:
        spec = fault_spec(fault)
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for every time).")
        with self._lock:
            self._armed.append(_Armed(spec, times, endpoint))

    def inject_all(self, items: Iterable[tuple[str, int | None]]) -> None:
        for name, times in items:
            self.inject(name, times)

    def take(self, phase: Phase, endpoint: str | None) -> FaultSpec | None:
        """The first armed fault for this phase and endpoint, used up by one."""
        with self._lock:
            for armed in self._armed:
                if armed.matches(phase, endpoint):
                    if armed.remaining is not None:
                        armed.remaining -= 1
                        if armed.remaining <= 0:
                            self._armed.remove(armed)
                    return armed.spec
        return None

    def peek(self, phase: Phase, endpoint: str | None) -> FaultSpec | None:
        """Like `take` without using the fault up (for HEAD requests)."""
        with self._lock:
            for armed in self._armed:
                if armed.matches(phase, endpoint):
                    return armed.spec
        return None

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def pending(self) -> list[str]:
        with self._lock:
            return [armed.spec.name for armed in self._armed]
