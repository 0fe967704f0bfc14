"""Where a result may be downloaded from: fal's media hosts, or the QCUT_AI_FAL_URL host."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from qcut_ai.core.errors import DownloadError

FAL_URL_ENV = "QCUT_AI_FAL_URL"
# Where fal serves generated media: its CDN (v3.fal.media, v3b.fal.media, ...)
# and the Google Cloud Storage bucket some older endpoints still answer with.
FAL_MEDIA_HOSTS: tuple[str, ...] = ("fal.media", "*.fal.media", "storage.googleapis.com")


def short_url(url: str, limit: int = 80) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"


@dataclass(frozen=True)
class AllowedHosts:
    """The hosts a result may be downloaded from.

    `patterns` are host names, `*.example.com` matching any sub-domain; they
    are reached over https only. `override` is the host (and port) of
    QCUT_AI_FAL_URL: a loopback stand-in or a company proxy, which may use http.
    """

    patterns: tuple[str, ...] = FAL_MEDIA_HOSTS
    override: str | None = None  # "host" or "host:port", lower case

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> AllowedHosts:
        source = os.environ if env is None else env
        base = source.get(FAL_URL_ENV, "").strip()
        return cls(override=netloc_of(base) if base else None)

    def is_override(self, url: str) -> bool:
        return self.override is not None and netloc_of(url) == self.override

    def check(self, url: str) -> None:
        """Raise DownloadError unless `url` may be fetched."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        if scheme not in ("http", "https") or not host:
            raise DownloadError(
                f"Refused to download from {short_url(url)}: not an http(s) address."
            )
        if self.is_override(url):
            return
        if scheme != "https":
            raise DownloadError(
                f"Refused to download from {short_url(url)}: only https is allowed."
            )
        if not any(host_matches(host, p) for p in self.patterns):
            raise DownloadError(
                f"Refused to download from {host}: it is not one of fal's media hosts.",
                hint=f"Set {FAL_URL_ENV} if results come through a proxy.",
            )


_DEFAULT_PORTS = {"http": 80, "https": 443}


def netloc_of(url: str) -> str:
    """`host` or `host:port` (lower case, default ports dropped)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return host
    if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        return host
    return f"{host}:{port}"


def host_matches(host: str, pattern: str) -> bool:
    """`pattern` is a host name, or `*.example.com` for any sub-domain."""
    pattern = pattern.lower()
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern
