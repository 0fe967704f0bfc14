"""fal's storage and CDN endpoints, and downloads of served files.

Uploads: the CDN token, the single raw-bytes POST, multipart (create, parts
with an ETag, complete) and the storage initiate + PUT fallback. Downloads:
GET/HEAD with Range support, plus the file-phase faults (expired URLs, HTML
pages, truncated or empty files, lying Content-Length, redirects, cut-offs).
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from qcut_ai.services.rehearsal.storage import DownloadRecord, StoredFile, parse_range, safe_name

if TYPE_CHECKING:
    from qcut_ai.services.rehearsal.faults import FaultSpec
    from qcut_ai.services.rehearsal.handler import StandInHandler

HUGE_LENGTH = 50 * 1024**3
TOKEN_LIFETIME = timedelta(hours=1)
_CHUNK = 64 * 1024
_EXPIRED_403 = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
    b"<Message>Request has expired</Message></Error>"
)
_HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Sign in</title></head>"
    b"<body><h1>Please sign in to continue</h1></body></html>"
)


def _key_ok(h: StandInHandler) -> bool:
    if h.app.key_ok(h.headers.get("Authorization")):
        return True
    h.send_json(401, {"detail": "No user found for Key ID and Secret"})
    return False


def _token_ok(h: StandInHandler) -> bool:
    if h.app.cdn_token_ok(h.headers.get("Authorization")):
        return True
    h.send_json(401, {"detail": "Invalid or expired upload token"})
    return False


def cdn_token(h: StandInHandler) -> None:
    if not _key_ok(h):
        return
    token = h.app.issue_cdn_token()
    expires = datetime.now(UTC) + TOKEN_LIFETIME
    body = {
        "token": token,
        "token_type": "Bearer",
        "base_url": h.app.base_url,
        "expires_at": expires.isoformat(),
    }
    h.send_json(200, body)


def cdn_upload(h: StandInHandler, body: bytes) -> None:
    # fal-client never closes the httpx client it uses for CDN uploads, so the
    # stand-in closes those connections itself rather than leave them open.
    h.close_connection = True
    if not _token_ok(h):
        return
    name = safe_name(h.headers.get("X-Fal-File-Name", ""))
    ctype = h.headers.get("Content-Type", "")
    url = h.app.files.store_upload("cdn", name, ctype, body, h.app.base_url)
    h.send_json(200, {"access_url": url})


def multipart_create(h: StandInHandler) -> None:
    h.close_connection = True
    if not _token_ok(h):
        return
    name = safe_name(h.headers.get("X-Fal-File-Name", ""))
    upload_id, url_path = h.app.files.start_multipart(name, h.headers.get("Content-Type", ""))
    h.send_json(200, {"access_url": h.app.base_url + url_path, "uploadId": upload_id})


def multipart_part(h: StandInHandler, upload_id: str, number: int, body: bytes) -> None:
    h.close_connection = True
    if not _token_ok(h):
        return
    etag = h.app.files.put_part(upload_id, number, body)
    if etag is None:
        h.send_json(404, {"detail": "Unknown multipart upload"})
        return
    h.send_bytes(200, b"", "application/octet-stream", {"ETag": etag})


def multipart_complete(h: StandInHandler, upload_id: str) -> None:
    h.close_connection = True
    if not _token_ok(h):
        return
    url = h.app.files.complete_multipart(upload_id, h.app.base_url)
    if url is None:
        h.send_json(404, {"detail": "Unknown multipart upload"})
        return
    h.send_json(200, {"access_url": url})


def storage_initiate(h: StandInHandler, body: bytes) -> None:
    if not _key_ok(h):
        return
    try:
        asked = json.loads(body or b"{}")
    except ValueError:
        asked = {}
    name = safe_name(str(asked.get("file_name") or ""))
    ctype = str(asked.get("content_type") or "application/octet-stream")
    url_path = h.app.files.new_url_path(name)
    token = secrets.token_hex(8)
    h.app.pending_puts[token] = (name, ctype, url_path)
    h.send_json(
        200,
        {
            "upload_url": f"{h.app.base_url}/storage/put/{token}",
            "file_url": h.app.base_url + url_path,
        },
    )


def storage_put(h: StandInHandler, path: str, body: bytes) -> None:
    pending = h.app.pending_puts.pop(path.rsplit("/", 1)[-1], None)
    if pending is None:
        h.send_json(404, {"detail": "Unknown upload URL"})
        return
    name, ctype, url_path = pending
    h.app.files.store_upload("storage", name, ctype, body, h.app.base_url, url_path=url_path)
    h.send_json(200, {})


def _file_fault(h: StandInHandler, stored: StoredFile) -> FaultSpec | None:
    consume = h.command != "HEAD"
    if stored.request_id is not None:
        job = h.app.jobs.get(stored.request_id)
        if job is not None and (spec := job.take_tag_fault("file", consume=consume)):
            return spec
    if consume:
        return h.app.faults.take("file", stored.endpoint)
    return h.app.faults.peek("file", stored.endpoint)


def serve_file(h: StandInHandler, path: str) -> None:
    stored = h.app.files.lookup(path)
    fault = _file_fault(h, stored) if stored is not None else None
    status = _serve(h, path, stored, fault)
    h.app.files.record_download(
        DownloadRecord(
            path,
            h.command,
            h.headers.get("Range"),
            status,
            fault.name if fault else None,
            time.time(),
        )
    )


def _serve(h: StandInHandler, path: str, stored: StoredFile | None, fault: FaultSpec | None) -> int:
    if stored is None or (fault is not None and fault.name == "file-404"):
        h.send_json(404, {"detail": "File not found or expired"})
        return 404
    name = fault.name if fault else ""
    if name == "file-403":
        h.send_bytes(403, _EXPIRED_403, "application/xml")
        return 403
    if name == "file-html":
        h.send_bytes(200, _HTML_PAGE, "text/html; charset=utf-8")
        return 200
    if name in ("redirect-host", "redirect-file"):
        target = (
            "http://example.invalid" + path if name == "redirect-host" else "file:///etc/passwd"
        )
        h.send_bytes(302, b"", "text/plain", {"Location": target})
        return 302
    data = stored.path.read_bytes()
    if name == "file-empty":
        data = b""
    elif name == "file-truncated":
        data = data[: len(data) // 3]
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{len(data):x}-{stored.path.stat().st_mtime_ns:x}"',
    }
    if name == "file-huge":
        h.close_connection = True
        h.send_bytes(200, b"", stored.content_type, headers, length=HUGE_LENGTH)
        _write(h, data)
        return 200
    if name == "drop-download" and h.command == "GET":
        h.send_bytes(200, b"", stored.content_type, headers, length=len(data))
        _write(h, data[: len(data) // 2])
        h.drop()
        return 200
    span = parse_range(h.headers.get("Range"), len(data))
    if span == "bad":
        h.send_bytes(416, b"", stored.content_type, {"Content-Range": f"bytes */{len(data)}"})
        return 416
    if isinstance(span, tuple):
        start, end = span
        headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
        h.send_bytes(206, b"", stored.content_type, headers, length=end - start + 1)
        _write(h, data[start : end + 1])
        return 206
    h.send_bytes(200, b"", stored.content_type, headers, length=len(data))
    _write(h, data)
    return 200


def _write(h: StandInHandler, data: bytes) -> None:
    if h.command == "HEAD":
        return
    view = memoryview(data)
    for offset in range(0, len(view), _CHUNK):
        h.wfile.write(view[offset : offset + _CHUNK])
