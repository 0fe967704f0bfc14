"""Stream a paid result into the project folder, safely.

The body goes to `<name>.part` in constant memory, is checked (length, size cap,
not a web page, the caller's `verify`), fsynced and only then renamed to its
final name, so a half-written file never looks like a finished one. Dropped
connections resume with HTTP Range. Only fal's media hosts (plus the host of
`QCUT_AI_FAL_URL`) are contacted, and redirects are followed by hand so every
hop is checked. File names always come from us (`file_names`), never from the server.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import ssl
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import httpx

from qcut_ai.core.errors import CancelledError, DownloadError, QcutError
from qcut_ai.services.file_names import (
    PART_SUFFIX,
    unique_path,
)
from qcut_ai.services.media_hosts import AllowedHosts, short_url

DEFAULT_MAX_BYTES = 2 * 1024**3
MAX_REDIRECTS = 5
DEFAULT_RETRIES = 4

# Written bytes are handed to the kernel for writeback every this many bytes,
# so the fsync before the rename waits for the last slice only (~12 ms instead
# of ~200 ms for 300 MB on these disks).
WRITEBACK_BYTES = 16 * 1024**2
# httpcore reads a response body 64 KiB per socket read; with 1 MiB reads a
# loopback download runs ~40 % faster and holds the GIL for fewer, longer
# stretches. It is an undocumented class attribute: set only when it is
# there with the value we know, and tests/services/test_download.py checks it.
_HTTPCORE_READ_BYTES = 1024**2

ProgressFn = Callable[[int, int | None], None]
AbortFn = Callable[[], bool]
VerifyFn = Callable[[Path], object]  # the result is ignored; raising refuses


# --- the download ---------------------------------------------------------------


class _Incomplete(Exception):
    """The body ended before the declared length; worth a Range retry."""


def download(
    url: str,
    dest_dir: Path,
    file_name: str,
    *,
    allowed: AllowedHosts,
    verify: VerifyFn | None = None,
    progress: ProgressFn | None = None,
    abort: AbortFn | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    client: httpx.Client | None = None,
    timeout: float = 30.0,
    retries: int = DEFAULT_RETRIES,
    backoff: float = 0.5,
) -> Path:
    """Download `url` to `dest_dir/file_name` (made unique) and return the final path."""
    if Path(file_name).name != file_name or file_name in ("", ".", ".."):
        raise ValueError(f"file_name must be a bare file name, got {file_name!r}")
    allowed.check(url)
    dest_dir.mkdir(parents=True, exist_ok=True)
    final, fh = _claim_part(dest_dir, file_name)
    part = final.with_name(final.name + PART_SUFFIX)
    own = client is None
    http = client or httpx.Client(timeout=timeout, follow_redirects=False, verify=_tls())
    try:
        with fh:
            _fetch(http, url, fh, allowed, progress, abort, max_bytes, timeout, retries, backoff)
            fh.flush()
            os.fsync(fh.fileno())
        if verify is not None:
            try:
                verify(part)
            except CancelledError:
                raise
            except QcutError as exc:
                raise DownloadError(
                    f"The downloaded file is not usable: {exc.message}", hint=exc.hint
                ) from exc
        os.replace(part, final)
        return final
    except BaseException as exc:
        part.unlink(missing_ok=True)
        if isinstance(exc, QcutError | KeyboardInterrupt):
            raise
        if isinstance(exc, OSError):
            raise _disk_error(exc, dest_dir) from exc
        if isinstance(exc, httpx.HTTPError):
            raise DownloadError(
                f"The download failed: {exc}.", hint="Try again; nothing was added."
            ) from exc
        raise
    finally:
        if own:
            http.close()


def _claim_part(dest_dir: Path, file_name: str) -> tuple[Path, BinaryIO]:
    """A final name and its `.part`, created exclusively: two downloads (even in two
    processes) never write into one file."""
    while True:
        final = unique_path(dest_dir, file_name)
        try:
            fh = open(final.with_name(final.name + PART_SUFFIX), "xb")  # noqa: SIM115
        except FileExistsError:
            continue  # taken between the check and the create: the next name
        except OSError as exc:
            raise _disk_error(exc, dest_dir) from exc
        return final, fh


_DISK_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_NOT_WRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}


def _tune_httpcore() -> None:
    try:
        from httpcore._sync.http11 import HTTP11Connection
    except ImportError:
        return
    if getattr(HTTP11Connection, "READ_NUM_BYTES", None) == 64 * 1024:
        HTTP11Connection.READ_NUM_BYTES = _HTTPCORE_READ_BYTES


_tune_httpcore()


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verified TLS context for every download: building one (loading the CA
    bundle) costs ~30 ms, more than fetching a short clip over a fast link."""
    return httpx.create_ssl_context()


def _start_writeback(fh: BinaryIO, start: int, end: int) -> None:
    """Ask the kernel to write out bytes start..end now, not at the final fsync."""
    if end <= start or not hasattr(os, "posix_fadvise"):
        return
    fh.flush()
    with contextlib.suppress(OSError):  # advice only: the fsync still makes it durable
        os.posix_fadvise(fh.fileno(), start, end - start, os.POSIX_FADV_DONTNEED)


def _disk_error(exc: OSError, folder: Path) -> DownloadError:
    if exc.errno in _DISK_FULL:
        return DownloadError(
            f"The disk holding {folder} is full, so the result could not be saved.",
            hint="Free some space, then resume the job; nothing half-written was kept.",
        )
    if exc.errno in _NOT_WRITABLE:
        return DownloadError(
            f"qcut-ai cannot write to {folder}: the folder is read-only.",
            hint="Make it writable, then resume the job; nothing was added.",
        )
    reason = (exc.strerror or "the file system refused").rstrip(".").lower()
    return DownloadError(
        f"The result could not be saved in {folder}: {reason}.",
        hint="Check the folder, then resume the job; nothing was added.",
    )


def _fetch(
    http: httpx.Client,
    url: str,
    fh: BinaryIO,
    allowed: AllowedHosts,
    progress: ProgressFn | None,
    abort: AbortFn | None,
    max_bytes: int,
    timeout: float,
    retries: int,
    backoff: float,
) -> None:
    written = 0
    failures = 0
    while True:
        try:
            written = _one_attempt(
                http, url, fh, written, allowed, progress, abort, max_bytes, timeout
            )
            return
        except (httpx.TransportError, _Incomplete) as exc:
            if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
                raise DownloadError(f"Refused to download from {short_url(url)}.") from exc
            written = fh.tell()
            failures += 1
            if failures > retries:
                raise DownloadError(
                    f"The connection kept dropping after {written} bytes.",
                    hint="Check the network and retry the download.",
                ) from exc
            _sleep(backoff * 2 ** (failures - 1), abort)


def _one_attempt(
    http: httpx.Client,
    url: str,
    fh: BinaryIO,
    written: int,
    allowed: AllowedHosts,
    progress: ProgressFn | None,
    abort: AbortFn | None,
    max_bytes: int,
    timeout: float,
) -> int:
    headers = {"Accept-Encoding": "identity"}
    if written:
        headers["Range"] = f"bytes={written}-"
    with _open(http, url, headers, allowed, timeout) as resp:
        status = resp.status_code
        if status >= 500:
            raise _Incomplete(f"HTTP {status}")  # a server hiccup: retry with backoff
        if status not in (200, 206):
            raise DownloadError(
                f"The media server answered HTTP {status} for the result.",
                hint="The link may have expired; fetch the result again.",
            )
        total = _declared_total(resp, written)
        if status == 200 and written:
            # The server ignored our Range request: start again from byte 0.
            fh.seek(0)
            fh.truncate()
            written = 0
        if total is not None and total > max_bytes:
            raise DownloadError(
                f"The result is {total / 1024**2:.0f} MiB, above the "
                f"{max_bytes / 1024**2:.0f} MiB limit; nothing was written."
            )
        first = written == 0
        flushed = written
        for chunk in resp.iter_bytes():
            if abort is not None and abort():
                raise CancelledError("The download was cancelled.")
            if first and chunk:
                _refuse_web_page(chunk, resp.headers.get("content-type", ""))
                first = False
            fh.write(chunk)
            written += len(chunk)
            if written - flushed >= WRITEBACK_BYTES:
                _start_writeback(fh, flushed, written)
                flushed = written
            if written > max_bytes:
                raise DownloadError(
                    f"The result grew past the {max_bytes / 1024**2:.0f} MiB limit "
                    "and was discarded."
                )
            if progress is not None:
                progress(written, total)
        if total is not None and written < total:
            raise _Incomplete(f"{written} of {total} bytes")
        if total is not None and written > total:
            raise DownloadError(
                f"The server sent {written} bytes but announced {total}; the file was discarded."
            )
        if written == 0:
            raise DownloadError("The media server sent an empty file.")
        return written


def _declared_total(resp: httpx.Response, offset: int) -> int | None:
    """The full file size announced by the server, if any."""
    if resp.headers.get("content-encoding", "identity").lower() not in ("identity", ""):
        return None  # the length counts encoded bytes; can't compare
    if resp.status_code == 206:
        m = re.match(r"bytes (\d+)-\d+/(\d+|\*)", resp.headers.get("content-range", ""))
        if not m or int(m.group(1)) != offset:
            raise DownloadError("The media server answered a resume with the wrong byte range.")
        return int(m.group(2)) if m.group(2) != "*" else None
    length = resp.headers.get("content-length")
    return int(length) if length and length.isdigit() else None


def _refuse_web_page(chunk: bytes, content_type: str) -> None:
    head = chunk[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if content_type.lower().startswith("text/html") or head.startswith(
        (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")
    ):
        raise DownloadError(
            "The media server sent a web page instead of the result.",
            hint="The link may have expired or need a login; nothing was added.",
        )


class _Hop:
    """Context manager over a response reached after checked manual redirects."""

    def __init__(self, resp: httpx.Response) -> None:
        self.resp = resp

    def __enter__(self) -> httpx.Response:
        return self.resp

    def __exit__(self, *exc: object) -> None:
        self.resp.close()


def _open(
    http: httpx.Client, url: str, headers: dict[str, str], allowed: AllowedHosts, timeout: float
) -> _Hop:
    origin_host = (urlsplit(url).hostname or "").lower()
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        allowed.check(current)
        request = http.build_request("GET", current, headers=headers, timeout=timeout)
        resp = http.send(request, stream=True, follow_redirects=False)
        if not resp.is_redirect:
            return _Hop(resp)
        location = resp.headers.get("location", "")
        resp.close()
        target = urljoin(current, location)
        scheme = urlsplit(target).scheme.lower()
        host = (urlsplit(target).hostname or "").lower()
        if scheme not in ("http", "https"):
            raise DownloadError("The media server redirected to a non-web address; refused.")
        if host != origin_host:
            raise DownloadError(
                f"The media server redirected to another host ({host or '?'}); refused."
            )
        current = target
    raise DownloadError("The media server redirected too many times; refused.")


def _sleep(seconds: float, abort: AbortFn | None) -> None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if abort is not None and abort():
            raise CancelledError("The download was cancelled.")
        time.sleep(min(left, 0.1))
