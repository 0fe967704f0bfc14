"""Following one job through fal's queue status stream (server-sent events).

`GET {status_url}/stream` answers with one `data: {status json}` event per
change (the same body as a status poll) and closes after COMPLETED. One such
request replaces a poll every 1-2 s, and completion is seen as soon as fal
reports it.

The stream is read on a helper thread so the waiting thread keeps checking
abort and the deadline every few tens of milliseconds; to stop early it shuts
the stream's socket down, which ends the helper's blocked read at once.
When the stream cannot be used, `follow` returns None and the caller falls
back to `poll`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import httpx
    from httpx_sse import EventSource

    from qcut_ai.services.fal_status import PollPolicy, RemoteStatus

log = logging.getLogger(__name__)

# How long a stream may stay silent. fal does not document a keep-alive interval
# (the stand-in sends a comment every 15 s), so a longer silence counts as a drop:
# the stream is reopened, and after MAX_RECONNECTS the wait polls instead.
READ_TIMEOUT_S = 35.0
CONNECT_TIMEOUT_S = 10.0
# A stream that has not said where the job stands by then (or by fal-client's
# own time limit for a status answer, if shorter) is treated as dropped.
FIRST_EVENT_TIMEOUT_S = 10.0
# Reconnects after a drop before giving up on the stream for this wait.
MAX_RECONNECTS = 2
# How often the waiting thread checks abort and the deadline.
TICK_S = 0.05
# Pause before the n-th reconnect: n times this.
RECONNECT_PAUSE_S = 0.25
# Answers that say "not now" rather than "no stream here": worth a reconnect.
_TRANSIENT_CODES = frozenset({408, 429, 502, 503, 504})

Kind = Literal["status", "refused", "malformed", "dropped"]
Parse = Callable[[Any], "RemoteStatus"]


def stream_url(status_url: str) -> str:
    """The stream URL of a status URL as fal returned it (query kept)."""
    parts = urlsplit(status_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/stream"))


class _Reader:
    """Reads one stream connection on a daemon thread into a queue of (kind, payload)."""

    def __init__(self, client: httpx.Client, url: str, parse: Parse) -> None:
        self.items: queue.Queue[tuple[Kind, Any]] = queue.Queue()
        self._client = client
        self._url = url
        self._parse = parse
        self._lock = threading.Lock()
        self._closed = False
        self._sock: socket.socket | None = None
        self._thread = threading.Thread(target=self._run, name="fal-status-stream", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop reading: wake a blocked read by shutting the socket down."""
        with self._lock:
            self._closed = True
            sock, self._sock = self._sock, None
            if sock is not None:
                # Under the lock: once the reader has detached, the connection
                # may already serve another request from the shared pool.
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        if sock is not None:
            self._thread.join(timeout=0.2)
        # Still waiting for the answer's headers: the read timeout (or the
        # server) ends it; the daemon thread touches nothing shared meanwhile.

    def _attach(self, response: httpx.Response) -> bool:
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        with self._lock:
            if self._closed:
                return False
            self._sock = sock if isinstance(sock, socket.socket) else None
            return True

    def _detach(self) -> None:
        with self._lock:
            self._sock = None

    def _run(self) -> None:
        import httpx
        from httpx_sse import connect_sse

        timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        try:
            with connect_sse(
                self._client, "GET", self._url, params={"logs": "1"}, timeout=timeout
            ) as source:
                if not self._attach(source.response):
                    return
                try:
                    self.items.put(self._read(source))
                finally:
                    self._detach()
        except httpx.HTTPError as exc:
            self.items.put(("dropped", f"{type(exc).__name__}: {exc}"[:200]))
        except Exception as exc:  # boundary of a helper thread: the waiter must hear of it
            self.items.put(("refused", f"{type(exc).__name__}: {exc}"[:200]))

    def _read(self, source: EventSource) -> tuple[Kind, Any]:
        """Queue each status; the last item says how the connection ended."""
        kind, reason = self._refusal(source.response)
        if kind is not None:
            return kind, reason
        for event in source.iter_sse():
            if not event.data.strip():
                continue  # a bare event (keep-alive comments never get here)
            try:
                status = self._parse(json.loads(event.data))
            except (ValueError, KeyError, TypeError) as exc:
                return "malformed", f"unreadable event: {exc!r}"[:200]
            if status.state == "COMPLETED":
                return "status", status
            self.items.put(("status", status))
        return "dropped", "the stream ended before the job completed"

    @staticmethod
    def _refusal(response: httpx.Response) -> tuple[Kind | None, str]:
        code = response.status_code
        if code >= 400:
            return ("dropped" if code in _TRANSIENT_CODES else "refused"), f"HTTP {code}"
        content_type = response.headers.get("content-type", "").partition(";")[0].strip()
        if content_type.lower() != "text/event-stream":
            return "refused", f"not an event stream ({content_type or 'no content type'})"
        return None, ""


def follow(
    client: httpx.Client,
    status_url: str,
    *,
    parse: Parse,
    on_status: Callable[[RemoteStatus], None] | None,
    check_abort: Callable[[], None],
    check_deadline: Callable[[], None],
    request_id: str,
) -> RemoteStatus | None:
    """Follow the job's status stream until COMPLETED (returned) or until it fails (None).

    `check_abort` and `check_deadline` raise to stop waiting; the deadline is
    only checked once the job's status is known, as a poll would. A drop is
    reconnected up to MAX_RECONNECTS times; a refusal, a malformed event or a
    drop too many ends the stream for this wait (logged once).
    """
    follower = _Follower(on_status, check_abort, check_deadline, _first_event_timeout())
    url = stream_url(status_url)
    reconnects = 0
    while True:
        reader = _Reader(client, url, parse)
        try:
            kind, payload = follower.drain(reader)
        finally:
            reader.close()
        if kind == "status":
            return payload
        if kind == "dropped" and reconnects < MAX_RECONNECTS:
            reconnects += 1
            log.debug("status stream of %s dropped (%s); reconnecting", request_id, payload)
            follower.pause(reconnects * RECONNECT_PAUSE_S)
            continue
        log.info("status stream of %s unavailable (%s); polling instead", request_id, payload)
        return None


def _first_event_timeout() -> float:
    import fal_client.client as fc

    poll_read = getattr(getattr(fc, "QUEUE_POLL_TIMEOUT", None), "read", None)
    if isinstance(poll_read, (int, float)) and poll_read > 0:
        return min(FIRST_EVENT_TIMEOUT_S, float(poll_read))
    return FIRST_EVENT_TIMEOUT_S


class _Follower:
    """Hands statuses from successive stream connections on, each new one once."""

    def __init__(
        self,
        on_status: Callable[[RemoteStatus], None] | None,
        check_abort: Callable[[], None],
        check_deadline: Callable[[], None],
        first_event_timeout: float,
    ) -> None:
        self.last: RemoteStatus | None = None
        self._first_event_timeout = first_event_timeout
        self._on_status = on_status
        self._check_abort = check_abort
        self._check_deadline = check_deadline

    def pause(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (remaining := end - time.monotonic()) > 0:
            self._check_abort()
            time.sleep(min(TICK_S, remaining))

    def drain(self, reader: _Reader) -> tuple[Kind, Any]:
        """Until COMPLETED ("status", it) or the connection's end (kind, reason)."""
        opened = time.monotonic()
        got_event = False
        while True:
            try:
                kind, payload = reader.items.get(timeout=TICK_S)
            except queue.Empty:
                self._check_abort()
                if self.last is not None:
                    self._check_deadline()
                if not got_event and time.monotonic() - opened >= self._first_event_timeout:
                    return "dropped", "no status event arrived"
                continue
            if kind != "status":
                return kind, payload
            got_event = True
            # A reconnect repeats the current status; hand on only what is new.
            if payload != self.last:
                self.last = payload
                if self._on_status is not None:
                    self._on_status(payload)
            if payload.state == "COMPLETED":
                return "status", payload
            self._check_abort()
            self._check_deadline()


def poll(
    status: Callable[[], RemoteStatus],
    policy: PollPolicy,
    *,
    on_status: Callable[[RemoteStatus], None] | None,
    check_abort: Callable[[], None],
    check_deadline: Callable[[], None],
    sleep: Callable[[float], None],
) -> RemoteStatus:
    """Poll with backoff until COMPLETED (returned); the checks raise to stop."""
    interval = policy.interval_s
    while True:
        check_abort()
        st = status()
        if on_status is not None:
            on_status(st)
        if st.state == "COMPLETED":
            return st
        check_deadline()
        # Sleep in short slices so a cancel is noticed quickly.
        end = time.monotonic() + interval
        while (remaining := end - time.monotonic()) > 0:
            check_abort()
            sleep(min(0.05, remaining))
        interval = min(interval * policy.growth, policy.max_interval_s)
