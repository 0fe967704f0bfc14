"""Streaming downloads against a small local HTTP server that misbehaves on purpose."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from qcut_ai.core.errors import CancelledError, DownloadError
from qcut_ai.services.download import download
from qcut_ai.services.file_names import media_file_name, sanitize_file_name, unique_path
from qcut_ai.services.media_hosts import AllowedHosts

BODY = bytes(range(256)) * 4096  # 1 MiB of predictable bytes


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hits: dict[str, int]
    ranges: list[str | None]
    files: dict[str, bytes]  # served under /media/<name>, with Range support

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        path = self.path
        self.hits[path] = self.hits.get(path, 0) + 1
        self.ranges.append(self.headers.get("Range"))
        first = self.hits[path] == 1
        if path == "/ok.bin":
            self._send(BODY, honour_range=True)
        elif path == "/drop.bin":
            self._send(BODY, honour_range=True, drop_after=300_000 if first else None)
        elif path == "/drop-norange.bin":
            self._send(BODY, honour_range=False, drop_after=300_000 if first else None)
        elif path == "/always-drop.bin":
            self._send(BODY, honour_range=True, drop_after=1000)
        elif path == "/page":
            self._send(b"<!DOCTYPE html><html><body>Sign in</body></html>", ctype="text/html")
        elif path == "/sneaky-page":
            self._send(b"\n  <html><body>expired</body></html>", ctype="video/mp4")
        elif path == "/traversal":
            self._send(BODY, extra={"Content-Disposition": 'attachment; filename="../../evil.sh"'})
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Length", str(10 * 1024**3))
            self.end_headers()
            self.wfile.write(b"x" * 1024)
            self.close_connection = True
        elif path == "/missing":
            self._send(b"gone", status=404)
        elif path.startswith("/media/") and path[7:] in self.files:
            self._send(self.files[path[7:]], ctype="video/mp4", honour_range=True)
        elif path.startswith("/flaky-media/") and path[13:] in self.files:
            body = self.files[path[13:]]  # the first try dies half-way through
            self._send(body, honour_range=True, drop_after=len(body) // 2 if first else None)
        elif path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", path.split("/redirect/", 1)[1].replace("~", "/"))
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send(b"?", status=404)

    def _send(
        self,
        body: bytes,
        *,
        status: int = 200,
        ctype: str = "application/octet-stream",
        honour_range: bool = False,
        drop_after: int | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        start = 0
        wanted = self.headers.get("Range")
        if honour_range and wanted and (m := re.match(r"bytes=(\d+)-", wanted)):
            start = int(m.group(1))
            status = 206
        chunk = body[start:]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(chunk)))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        try:
            if drop_after is not None:
                self.wfile.write(chunk[:drop_after])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client hung up (cancel, size cap)


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hang up on purpose (cancel, size cap, refused redirects)


class _Server:
    def __init__(self) -> None:
        handler = type("Handler", (_Handler,), {"hits": {}, "ranges": [], "files": {}})
        self.handler: Any = handler
        self.httpd = _QuietServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    @property
    def allowed(self) -> AllowedHosts:
        return AllowedHosts.from_env({"QCUT_AI_FAL_URL": f"http://127.0.0.1:{self.port}"})

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def server() -> Iterator[_Server]:
    s = _Server()
    yield s
    s.close()


def _fast(**kw: Any) -> dict[str, Any]:
    return {"backoff": 0.01, "timeout": 5.0, **kw}


def test_plain_download_streams_to_our_name(server: _Server, tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    out = download(
        server.url("/ok.bin"),
        tmp_path,
        "clip.mp4",
        allowed=server.allowed,
        progress=lambda done, total: seen.append((done, total)),
        **_fast(),
    )
    assert out == tmp_path / "clip.mp4"
    assert out.read_bytes() == BODY
    assert seen[-1] == (len(BODY), len(BODY))
    assert not list(tmp_path.glob("*.part"))


def test_a_dropped_connection_resumes_with_range(server: _Server, tmp_path: Path) -> None:
    seen: list[int] = []
    out = download(
        server.url("/drop.bin"),
        tmp_path,
        "a.mp4",
        allowed=server.allowed,
        progress=lambda done, total: seen.append(done),
        **_fast(),
    )
    assert out.read_bytes() == BODY
    # The first request got 300,000 bytes before the server hung up; the second
    # asked only for the rest, so nothing was fetched twice.
    assert server.handler.hits["/drop.bin"] == 2
    assert server.handler.ranges == [None, "bytes=300000-"]
    assert seen == sorted(seen) and seen[-1] == len(BODY)
    assert not list(tmp_path.glob("*.part"))


def test_a_server_ignoring_range_restarts_from_zero(server: _Server, tmp_path: Path) -> None:
    out = download(
        server.url("/drop-norange.bin"),
        tmp_path,
        "a.mp4",
        allowed=server.allowed,
        **_fast(),
    )
    assert out.read_bytes() == BODY  # not a doubled head


def test_a_connection_that_keeps_dropping_gives_up_cleanly(server: _Server, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="kept dropping"):
        download(
            server.url("/always-drop.bin"),
            tmp_path,
            "a.mp4",
            allowed=server.allowed,
            **_fast(retries=2),
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", ["/page", "/sneaky-page"])
def test_an_html_body_is_rejected_and_nothing_is_left(
    server: _Server, tmp_path: Path, path: str
) -> None:
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.library.ingest import Library
    from qcut_ai.library.probe import verify_media

    project = ProjectPaths.at(tmp_path / "P").ensure()
    with Library(project, tmp_path / "thumbs") as library:
        with pytest.raises(DownloadError, match="web page"):
            download(
                server.url(path),
                project.media,
                "clip.mp4",
                allowed=server.allowed,
                verify=verify_media,
                **_fast(),
            )
        assert library.repo.count() == 0
    assert list(project.media.iterdir()) == []


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real 2 s 160x90 H.264 MP4 with its index up front, as fal serves them."""
    from qcut_ai.services.ffmpeg_tools import run_ffmpeg

    out = tmp_path_factory.mktemp("clip") / "clip.mp4"
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x90:rate=25:duration=2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
            str(out),
        ]
    )
    return out.read_bytes()


def test_a_truncated_video_is_rejected_and_never_enters_the_library(
    server: _Server, tmp_path: Path, clip: bytes
) -> None:
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.library.ingest import Library
    from qcut_ai.library.probe import verify_media

    # The server itself believes the file is complete: only probing can tell.
    server.handler.files["cut.mp4"] = clip[: len(clip) * 2 // 3]
    project = ProjectPaths.at(tmp_path / "P").ensure()
    with Library(project, tmp_path / "thumbs") as library:
        with pytest.raises(DownloadError, match="not usable") as caught:
            download(
                server.url("/media/cut.mp4"),
                project.media,
                "clip.mp4",
                allowed=server.allowed,
                verify=verify_media,
                **_fast(),
            )
        assert "truncated" in str(caught.value) or "damaged" in str(caught.value)
        assert library.repo.count() == 0
    assert list(project.media.iterdir()) == []


def test_a_resumed_video_downloads_whole_and_keeps_its_history(
    server: _Server, tmp_path: Path, clip: bytes
) -> None:
    from qcut_ai.core.media import Provenance
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.library.ingest import Library
    from qcut_ai.library.probe import verify_media

    server.handler.files["clip.mp4"] = clip
    project = ProjectPaths.at(tmp_path / "P").ensure()
    path = download(
        server.url("/flaky-media/clip.mp4"),
        project.media,
        media_file_name("Kling 2.1", "a lighthouse in the fog", "req77", "mp4"),
        allowed=server.allowed,
        verify=verify_media,
        **_fast(),
    )
    assert path.read_bytes() == clip
    assert server.handler.ranges == [None, f"bytes={len(clip) // 2}-"]
    prov = Provenance(
        endpoint="fal-ai/kling-video/v2.1/standard/text-to-video",
        model_id="kling-2.1",
        model_name="Kling 2.1",
        request_id="req77",
        prompt="a lighthouse in the fog",
    )
    with Library(project, tmp_path / "thumbs") as library:
        item = library.add_generated(path, prov)
        assert item.display_name == "AI (Kling 2.1): a lighthouse in the fog"
        assert item.probe.duration == pytest.approx(2.0, abs=0.1)
    # The file alone, copied into another project, brings its history back.
    other = ProjectPaths.at(tmp_path / "Other").ensure()
    copy = tmp_path / "elsewhere.mp4"
    copy.write_bytes(path.read_bytes())
    with Library(other, tmp_path / "thumbs") as library:
        again = library.import_file(copy)
        assert again.request_id == "req77" and again.prompt == "a lighthouse in the fog"


def test_verify_failure_removes_the_part_file(server: _Server, tmp_path: Path) -> None:
    from qcut_ai.library.probe import verify_media

    with pytest.raises(DownloadError, match="not usable") as caught:
        download(
            server.url("/ok.bin"),
            tmp_path,
            "clip.mp4",
            allowed=server.allowed,
            verify=verify_media,
            **_fast(),
        )
    assert "damaged" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_redirect_to_another_host_is_refused(server: _Server, tmp_path: Path) -> None:
    other = server.url("/ok.bin", host="localhost").replace("/", "~")
    with pytest.raises(DownloadError, match="another host"):
        download(
            server.url(f"/redirect/{other}"), tmp_path, "a.mp4", allowed=server.allowed, **_fast()
        )
    assert server.handler.hits.get("/ok.bin") is None
    assert list(tmp_path.iterdir()) == []


def test_redirects_to_other_schemes_are_refused_same_host_followed(
    server: _Server, tmp_path: Path
) -> None:
    with pytest.raises(DownloadError, match="non-web"):
        download(
            server.url("/redirect/file:~~~etc~passwd"),
            tmp_path,
            "a.mp4",
            allowed=server.allowed,
            **_fast(),
        )
    out = download(
        server.url("/redirect/~ok.bin"), tmp_path, "b.mp4", allowed=server.allowed, **_fast()
    )
    assert out.read_bytes() == BODY


def test_server_file_names_are_ignored(server: _Server, tmp_path: Path) -> None:
    dest = tmp_path / "media"
    out = download(
        server.url("/traversal"), dest, "AI (Kling) - x - 1.mp4", allowed=server.allowed, **_fast()
    )
    assert out == dest / "AI (Kling) - x - 1.mp4"
    assert out.read_bytes() == BODY
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [out.name]
    for escaped in (tmp_path / "evil.sh", tmp_path.parent / "evil.sh", dest / "evil.sh"):
        assert not escaped.exists()
    with pytest.raises(ValueError):
        download(server.url("/ok.bin"), dest, "../evil.mp4", allowed=server.allowed)


def test_size_cap_refuses_before_writing(server: _Server, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="limit"):
        download(server.url("/huge"), tmp_path, "a.mp4", allowed=server.allowed, **_fast())
    with pytest.raises(DownloadError, match="limit"):
        download(
            server.url("/ok.bin"),
            tmp_path,
            "b.mp4",
            allowed=server.allowed,
            **_fast(max_bytes=1000),
        )
    assert list(tmp_path.iterdir()) == []


def test_http_errors_and_cancel(server: _Server, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="HTTP 404"):
        download(server.url("/missing"), tmp_path, "a.mp4", allowed=server.allowed, **_fast())
    with pytest.raises(CancelledError):
        download(
            server.url("/ok.bin"),
            tmp_path,
            "a.mp4",
            allowed=server.allowed,
            abort=lambda: True,
            **_fast(),
        )
    assert list(tmp_path.iterdir()) == []


def test_existing_files_are_never_overwritten(server: _Server, tmp_path: Path) -> None:
    (tmp_path / "clip.mp4").write_bytes(b"mine")
    out = download(server.url("/ok.bin"), tmp_path, "clip.mp4", allowed=server.allowed, **_fast())
    assert out.name == "clip (2).mp4"
    assert (tmp_path / "clip.mp4").read_bytes() == b"mine"


def test_allowed_hosts() -> None:
    fal = AllowedHosts()
    fal.check("https://v3.fal.media/files/x.mp4")
    fal.check("https://v3b.fal.media/files/x.mp4")
    fal.check("https://fal.media/files/x.mp4")
    for bad in (
        "http://v3.fal.media/files/x.mp4",  # https only
        "https://evil.example/x.mp4",
        "https://fal.media.evil.example/x.mp4",
        "https://notfal.media/x.mp4",
        "ftp://v3.fal.media/x.mp4",
        "file:///etc/passwd",
    ):
        with pytest.raises(DownloadError):
            fal.check(bad)
    local = AllowedHosts.from_env({"QCUT_AI_FAL_URL": "http://127.0.0.1:8765/"})
    local.check("http://127.0.0.1:8765/media/x.mp4")
    with pytest.raises(DownloadError):
        local.check("http://127.0.0.1:9999/media/x.mp4")  # another port is another service
    with pytest.raises(DownloadError):
        download("https://evil.example/x.mp4", Path("/nonexistent"), "x.mp4", allowed=fal)


def test_a_supplied_client_is_used_and_left_open(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "v3.fal.media"
        return httpx.Response(200, content=b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        out = download(
            "https://v3.fal.media/files/abc/out.mp4",
            tmp_path,
            "x.mp4",
            allowed=AllowedHosts(),
            client=client,
        )
        assert out.stat().st_size == 112
        assert not client.is_closed


def test_media_file_names_are_safe_everywhere(tmp_path: Path) -> None:
    name = media_file_name(
        "Kling 2.1 Pro", 'A cat: on a <desk>? "quoted" / \\ | *', "a1b2c3", "MP4"
    )
    assert name == "AI (Kling 2.1 Pro) - A cat on a desk quoted - a1b2c3.mp4"
    long = media_file_name("Veo 3", "word " * 200, "zz9", ".mp4")
    assert len(long) <= 120 and long.endswith(" - zz9.mp4")
    assert media_file_name("Veo 3", "", "id1", "mp4") == "AI (Veo 3) - id1.mp4"
    assert (
        media_file_name("M", "ends with dots...", "id", "mp4") == "AI (M) - ends with dots - id.mp4"
    )
    assert media_file_name("M", "tab\tand\nnewline\x00nul", "id", "mp4") == (
        "AI (M) - tab and newline nul - id.mp4"
    )
    for reserved in ("CON", "con.mp4", "LPT1.txt", "nul"):
        assert sanitize_file_name(reserved).split(".")[0].upper() not in {"CON", "LPT1", "NUL"}
    assert sanitize_file_name("../../etc/passwd") == ".. .. etc passwd".strip(
        " ."
    ) or "/" not in sanitize_file_name("../../etc/passwd")
    assert "/" not in sanitize_file_name("../../etc/passwd")
    assert sanitize_file_name("name. . ") == "name"
    (tmp_path / "a.mp4").write_bytes(b"")
    (tmp_path / "a (2).mp4.part").write_bytes(b"")
    assert unique_path(tmp_path, "a.mp4").name == "a (3).mp4"
    assert unique_path(tmp_path, "b.mp4").name == "b.mp4"


def test_a_large_result_arrives_whole_in_large_reads(server: _Server, tmp_path: Path) -> None:
    """Past the writeback slice (16 MiB) the bytes stay exact, and the body is read
    in the large socket reads the download relies on (httpcore's read size knob
    is still there with the value we set: if httpcore renames it, this fails)."""
    from httpcore._sync.http11 import HTTP11Connection

    from qcut_ai.services import download as download_module

    assert HTTP11Connection.READ_NUM_BYTES == download_module._HTTPCORE_READ_BYTES
    body = bytes(range(251)) * (40 * 1024**2 // 251)  # ~40 MiB, not a multiple of 1 MiB
    server.handler.files["big.mp4"] = body
    seen: list[int] = []
    out = download(
        server.url("/media/big.mp4"),
        tmp_path,
        "big.mp4",
        allowed=server.allowed,
        progress=lambda done, _total: seen.append(done),
        **_fast(),
    )
    assert out.read_bytes() == body
    assert seen[-1] == len(body)
    steps = [b - a for a, b in zip([0, *seen], seen, strict=False)]
    assert max(steps) > 64 * 1024
