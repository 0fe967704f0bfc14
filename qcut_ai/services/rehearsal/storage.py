"""Files the stand-in serves under /files/: rendered results and uploads.

Mirrors fal's CDN just enough for fal-client's three upload flows (single
POST, multipart, and the storage initiate + PUT fallback) and for downloads
with Range support. Every upload and download is recorded for tests.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class StoredFile:
    """One servable file: where its bytes are and which job (if any) made it."""

    url_path: str  # "/files/<token>/<name>"
    path: Path
    content_type: str
    request_id: str | None = None
    endpoint: str | None = None


@dataclass(frozen=True)
class UploadRecord:
    """An upload the client made: flow, name, type, size and the URL it got."""

    flow: str  # "cdn", "multipart" or "storage"
    file_name: str
    content_type: str
    size: int
    sha256: str
    url: str
    time: float


@dataclass(frozen=True)
class DownloadRecord:
    """A GET or HEAD on a served file, with its Range header and the answer."""

    url_path: str
    method: str
    range: str | None
    status: int
    fault: str | None
    time: float


@dataclass
class _Multipart:
    file_name: str
    content_type: str
    url_path: str
    parts: dict[int, bytes] = field(default_factory=dict)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, default: str = "upload.bin") -> str:
    cleaned = _UNSAFE.sub("_", Path(name or "").name).strip("._")
    return cleaned or default


class FileStore:
    """Served files, uploads and multipart sessions under one directory. Thread-safe."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._files: dict[str, StoredFile] = {}
        self._multipart: dict[str, _Multipart] = {}
        self.uploads: list[UploadRecord] = []
        self.downloads: list[DownloadRecord] = []

    def new_url_path(self, file_name: str) -> str:
        return f"/files/{secrets.token_hex(6)}/{safe_name(file_name)}"

    def publish(
        self,
        path: Path,
        file_name: str,
        content_type: str,
        *,
        request_id: str | None = None,
        endpoint: str | None = None,
    ) -> StoredFile:
        """Serve an existing file (a render) under a fresh URL."""
        stored = StoredFile(self.new_url_path(file_name), path, content_type, request_id, endpoint)
        with self._lock:
            self._files[stored.url_path] = stored
        return stored

    def lookup(self, url_path: str) -> StoredFile | None:
        with self._lock:
            return self._files.get(url_path)

    def _write(self, url_path: str, data: bytes) -> Path:
        target = self.directory / url_path.removeprefix("/files/").replace("/", "_")
        target.write_bytes(data)
        return target

    def store_upload(
        self,
        flow: str,
        file_name: str,
        content_type: str,
        data: bytes,
        base_url: str,
        *,
        url_path: str | None = None,
    ) -> str:
        """Keep uploaded bytes, serve them, record the upload; returns the public URL."""
        url_path = url_path or self.new_url_path(file_name)
        ctype = content_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        path = self._write(url_path, data)
        record = UploadRecord(
            flow,
            file_name,
            ctype,
            len(data),
            hashlib.sha256(data).hexdigest(),
            base_url + url_path,
            time.time(),
        )
        with self._lock:
            self._files[url_path] = StoredFile(url_path, path, ctype)
            self.uploads.append(record)
        return record.url

    def start_multipart(self, file_name: str, content_type: str) -> tuple[str, str]:
        upload_id = secrets.token_hex(8)
        url_path = self.new_url_path(file_name)
        with self._lock:
            self._multipart[upload_id] = _Multipart(file_name, content_type, url_path)
        return upload_id, url_path

    def put_part(self, upload_id: str, number: int, data: bytes) -> str | None:
        """Keep one part; returns its ETag, or None for an unknown upload."""
        with self._lock:
            session = self._multipart.get(upload_id)
            if session is None:
                return None
            session.parts[number] = data
        return '"' + hashlib.md5(data).hexdigest() + '"'

    def complete_multipart(self, upload_id: str, base_url: str) -> str | None:
        with self._lock:
            session = self._multipart.pop(upload_id, None)
        if session is None:
            return None
        data = b"".join(session.parts[n] for n in sorted(session.parts))
        return self.store_upload(
            "multipart",
            session.file_name,
            session.content_type,
            data,
            base_url,
            url_path=session.url_path,
        )

    def record_download(self, record: DownloadRecord) -> None:
        with self._lock:
            self.downloads.append(record)


def parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """(start, end) inclusive for one "bytes=" range.

    None when there is no usable header, "bad" when the range cannot be satisfied.
    """
    if not header:
        return None
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not match or (not match.group(1) and not match.group(2)):
        return None  # multi-range or garbage: serve the whole file, as servers may
    first, last = match.group(1), match.group(2)
    if not first:
        length = int(last)
        if length == 0 or size == 0:
            return "bad"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "bad"
    return start, end
