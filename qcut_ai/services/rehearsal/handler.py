"""HTTP plumbing of the stand-in: one handler class, routing, and wire helpers.

HTTP/1.1 with keep-alive: every request body is read in full before
answering (fal-client reuses connections, so unread bytes would be parsed as
the next request), and every answer carries a Content-Length.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from qcut_ai.services.rehearsal import files_api, platform_api, queue_api

if TYPE_CHECKING:
    from qcut_ai.services.rehearsal.server import StandIn

log = logging.getLogger(__name__)

_QUEUE_REQUEST = re.compile(
    r"^/(?P<app>(?:(?:workflows|comfy)/)?[^/]+/[^/]+)/requests/(?P<rid>[^/]+)"
    r"(?P<tail>/status/stream|/status|/cancel)?/?$"
)
_MULTIPART_PART = re.compile(r"^(?P<file>/files/[^/]+/[^/]+)/multipart/(?P<uid>[^/]+)/(?P<n>\d+)$")
_MULTIPART_DONE = re.compile(r"^(?P<file>/files/[^/]+/[^/]+)/multipart/(?P<uid>[^/]+)/complete$")


class StandInHTTPServer(ThreadingHTTPServer):
    """A threading server that knows its StandIn and its open connections."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], standin: StandIn) -> None:
        self.standin = standin
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(address, StandInHandler)

    def track(self, conn: socket.socket, alive: bool) -> None:
        with self._conns_lock:
            if alive:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    def close_connections(self) -> None:
        """Wake handler threads parked on keep-alive connections so they end."""
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class StandInHandler(BaseHTTPRequestHandler):
    """Routes fal's queue, run, storage, CDN and Platform API requests to the stand-in."""

    protocol_version = "HTTP/1.1"
    server_version = "qcut-ai-standin/1"
    # Idle keep-alive connections are closed after this many seconds.
    timeout = 30
    server: StandInHTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    @property
    def app(self) -> StandIn:
        return self.server.standin

    # -- wire helpers -------------------------------------------------------

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_bytes(
        self,
        status: int,
        data: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        *,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and data:
            self.wfile.write(data)

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_bytes(status, data, "application/json", headers)

    def drop(self) -> None:
        """Close the connection without answering."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def hang(self) -> None:
        """Answer nothing for the stand-in's hang time, then drop the connection."""
        self.app.stopping.wait(self.app.hang_seconds)
        self.drop()

    # -- dispatch -----------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        body = self.read_body()
        parts = urlsplit(self.path)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            if platform_api.route(self, self.command, path, parts.query, body):
                return
            self._route(self.command, path, query, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # boundary: a stand-in bug becomes a 500, not a dead socket
            log.exception("Stand-in failed on %s %s", self.command, self.path)
            self.close_connection = True
            self.send_json(500, {"detail": "Stand-in internal error"})

    def _route(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        if path == "/health" and method in ("GET", "HEAD"):
            self.send_json(200, {"ok": True, "profile": self.app.profile.name})
            return
        if path.startswith("/storage/") or path.startswith("/files/"):
            if self._route_files(method, path, body):
                return
        elif method == "POST" and path.startswith("/run/"):
            queue_api.run(self, path.removeprefix("/run/").strip("/"), body)
            return
        elif (match := _QUEUE_REQUEST.match(path)) is not None:
            app_path, rid, tail = match.group("app"), match.group("rid"), match.group("tail")
            if method == "GET" and tail == "/status":
                queue_api.status(self, app_path, rid, query)
                return
            if method == "GET" and tail == "/status/stream":
                queue_api.status_stream(self, app_path, rid, query)
                return
            if method == "GET" and tail is None:
                queue_api.result(self, app_path, rid)
                return
            if method == "PUT" and tail == "/cancel":
                queue_api.cancel(self, app_path, rid)
                return
        elif method == "POST" and path.count("/") >= 2:
            queue_api.submit(self, path.strip("/"), query, body)
            return
        self.send_json(404, {"detail": f"Not found: {method} {path}"})

    def _route_files(self, method: str, path: str, body: bytes) -> bool:
        if method == "POST" and path == "/storage/auth/token":
            files_api.cdn_token(self)
        elif method == "POST" and path == "/storage/upload/initiate":
            files_api.storage_initiate(self, body)
        elif method == "PUT" and path.startswith("/storage/put/"):
            files_api.storage_put(self, path, body)
        elif method == "POST" and path == "/files/upload":
            files_api.cdn_upload(self, body)
        elif method == "POST" and path == "/files/upload/multipart":
            files_api.multipart_create(self)
        elif method == "PUT" and (match := _MULTIPART_PART.match(path)):
            files_api.multipart_part(self, match.group("uid"), int(match.group("n")), body)
        elif method == "POST" and (match := _MULTIPART_DONE.match(path)):
            files_api.multipart_complete(self, match.group("uid"))
        elif method in ("GET", "HEAD") and path.startswith("/files/"):
            files_api.serve_file(self, path)
        else:
            return False
        return True
