"""Server-sent events on the stand-in's keep-alive HTTP/1.1 connections.

An event stream is sent chunked, so the connection can be reused once the
stream ends. While a stream is idle the handler thread watches its socket:
it returns as soon as the client hangs up or the stand-in stops (stop()
shuts every connection down), so an open stream never holds up shutdown.
"""

from __future__ import annotations

import json
import select
import socket
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qcut_ai.services.rehearsal.handler import StandInHandler

# fal sends a comment line this often on an idle status stream.
KEEPALIVE_S = 15.0
# How often an idle stream looks for news; well under the ~50 ms a client may expect.
TICK_S = 0.02


class EventStream:
    """One `text/event-stream` answer being written to a client."""

    def __init__(self, h: StandInHandler, headers: dict[str, str] | None = None) -> None:
        self._h = h
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream; charset=utf-8")
        h.send_header("Cache-Control", "no-store")
        h.send_header("Transfer-Encoding", "chunked")
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        self._last_write = time.monotonic()

    def _chunk(self, data: bytes) -> None:
        self._h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self._last_write = time.monotonic()

    def send(self, body: Any) -> None:
        """One `data: {json}` event."""
        self._chunk(b"data: " + json.dumps(body).encode("utf-8") + b"\n\n")

    def end(self) -> None:
        """The last chunk: the stream is over and the connection may be reused."""
        self._h.wfile.write(b"0\r\n\r\n")

    def idle(self, seconds: float = TICK_S) -> bool:
        """Wait up to `seconds`; False once the client has gone or the stand-in stops."""
        h = self._h
        if h.app.stopping.is_set():
            h.close_connection = True
            return False
        if time.monotonic() - self._last_write >= KEEPALIVE_S:
            self._chunk(b": keep-alive\n\n")
        conn = h.connection
        readable, _, _ = select.select([conn], [], [], seconds)
        if not readable:
            return True
        try:
            peeked = conn.recv(1, socket.MSG_PEEK)
        except OSError:
            peeked = b""
        if peeked:
            # The client sent something while the stream is open (it should not):
            # leave it for the next request and keep the tick.
            h.app.stopping.wait(seconds)
            return True
        h.close_connection = True  # end of file: the client hung up
        return False
