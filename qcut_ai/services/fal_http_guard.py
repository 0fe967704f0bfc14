"""Two rules for the HTTP client that carries the fal key.

* **The key goes to fal only.** `KeyScope` lists the hosts fal uses (queue,
  run, REST, storage and their backup domains) over https, plus the base URL
  fal-client was pointed at (`QCUT_AI_FAL_URL`, or the offline stand-in),
  over http only on loopback. The gateway refuses answers whose URLs lead
  elsewhere; the request hook installed here is the last line: any request
  to another host leaves without the `Authorization` header.
* **Answers are bounded.** A response body larger than `MAX_ANSWER_BYTES`
  (an SSE line larger than that, for event streams) stops being read and
  raises `AnswerTooLargeError`, so a hostile or broken server cannot fill
  memory or the journal.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from qcut_ai.services.media_hosts import host_matches, netloc_of

log = logging.getLogger(__name__)

FAL_URL_ENV = "QCUT_AI_FAL_URL"
MAX_ANSWER_BYTES = 4 * 1024**2
FAL_KEY_HOSTS: tuple[str, ...] = (
    "fal.run",
    "*.fal.run",
    "falrun.com",  # fal-client's backup domain for fal.run
    "*.falrun.com",
    "fal.ai",
    "*.fal.ai",
    "fal.media",
    "*.fal.media",
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class KeyScope:
    """Where the fal key may be sent."""

    override: str | None = None  # netloc of the base URL fal-client was pointed at
    override_scheme: str = "https"

    @classmethod
    def current(cls) -> KeyScope:
        """The scope as configured now: the base URL fal-client was pointed at, else
        the one `QCUT_AI_FAL_URL` names, else fal's own hosts only."""
        import os

        import fal_client.client as fc

        for base in (str(getattr(fc, "QUEUE_URL_FORMAT", "")), os.environ.get(FAL_URL_ENV, "")):
            scope = cls.for_base(base)
            if scope.override is not None:
                return scope
        return cls()

    @classmethod
    def for_base(cls, base: str) -> KeyScope:
        """The scope of one explicit base URL (fal's own hosts are always allowed)."""
        host = (urlsplit(base.strip()).hostname or "").lower()
        if host and not any(host_matches(host, p) for p in FAL_KEY_HOSTS):
            return cls(netloc_of(base.strip()), urlsplit(base.strip()).scheme.lower())
        return cls()

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        if not host:
            return False
        if self.override is not None and netloc_of(url) == self.override:
            if scheme == "https":
                return True
            return scheme == "http" and host in LOOPBACK_HOSTS
        return scheme == "https" and any(host_matches(host, p) for p in FAL_KEY_HOSTS)


class AnswerTooLargeError(Exception):
    """A response body passed the size limit; it was not read further."""

    def __init__(self, url: str, limit: int) -> None:
        super().__init__(f"the answer from {netloc_of(url)} is larger than {limit // 1024**2} MB")
        self.url = url
        self.limit = limit


class _BoundedStream(httpx.SyncByteStream):
    """Stops a body at `limit` bytes (per line for event streams)."""

    def __init__(self, inner: httpx.SyncByteStream, url: str, limit: int, per_line: bool):
        self._inner = inner
        self._url = url
        self._limit = limit
        self._per_line = per_line

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        for chunk in self._inner:
            first = chunk.find(b"\n") if self._per_line else -1
            if first < 0:
                seen += len(chunk)
            else:
                # Lines wholly inside one chunk are bounded by the chunk's size.
                seen += first
                if seen <= self._limit:
                    seen = len(chunk) - chunk.rfind(b"\n") - 1
            if seen > self._limit:
                raise AnswerTooLargeError(self._url, self._limit)
            yield chunk

    def close(self) -> None:
        self._inner.close()


def guard_client(client: httpx.Client, scope: KeyScope, max_bytes: int = MAX_ANSWER_BYTES) -> None:
    """Install the key scope and the answer bound on the keyed fal client."""

    def on_request(request: httpx.Request) -> None:
        url = str(request.url)
        if "authorization" in request.headers and not scope.allows(url):
            # Signed upload URLs and foreign hosts need no fal key: it stays home.
            del request.headers["authorization"]
            log.warning("sent a request to %s without the fal key (not a fal host)", netloc_of(url))

    def on_response(response: httpx.Response) -> None:
        url = str(response.request.url)
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            response.close()
            raise AnswerTooLargeError(url, max_bytes)
        content_type = response.headers.get("content-type", "").lower()
        stream = response.stream
        if isinstance(stream, httpx.SyncByteStream):
            per_line = content_type.startswith("text/event-stream")
            response.stream = _BoundedStream(stream, url, max_bytes, per_line)

    hooks = client.event_hooks
    client.event_hooks = {
        "request": [*hooks.get("request", []), on_request],
        "response": [*hooks.get("response", []), on_response],
    }
