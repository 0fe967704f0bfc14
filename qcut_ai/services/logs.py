"""The app's log file, with the fal key scrubbed from every line.

`setup_logging` attaches one size-capped, rotating file handler to the root
logger, under the app's log folder. Everything that passes through it is
redacted first: the key itself when it is known, and anything shaped like a
credential (`Authorization` headers, `Key …`/`Bearer …` tokens, `FAL_KEY=…`,
`id:secret` pairs, passwords in URLs), so a log attached to a bug report
never carries the key.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Iterable
from logging.handlers import RotatingFileHandler
from pathlib import Path

from qcut_ai.core.app_dirs import AppDirs, app_dirs

LOG_FILE_NAME = "qcut-ai.log"
MAX_LOG_BYTES = 1024 * 1024
LOG_BACKUPS = 3
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"
REDACTED = "[redacted]"
_ENV_KEY = "FAL_KEY"
# Literal secrets shorter than this are not worth hunting for (and would
# blank out ordinary words).
_MIN_SECRET_CHARS = 8

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_setup_lock = threading.Lock()

# "Authorization: Key …", "token=…", "'password': '…'": the value after the name
# (and after a scheme word such as Key or Bearer) is the secret.
_ASSIGNED = re.compile(
    r"(?i)(\b(?:authorization|fal[_-]?key|api[_-]?key|secret|password|passwd|token)"
    r"['\"]?\s*[:=]\s*['\"]?)"
    r"([^\s'\",;}\]]+)(?:([ \t]+)([^\s'\",;}\]]+))?"
)
_SCHEMES = frozenset({"key", "bearer", "basic", "token"})
_SCHEME_TOKEN = re.compile(r"\b(Key|Bearer|key|bearer)(\s+)([A-Za-z0-9._~+/=:-]{8,})")
_URL_PASSWORD = re.compile(r"(://[^/\s:@]+):[^/\s@]+@")
_KEY_SHAPED = re.compile(r"(?<![\w.:/@-])([A-Za-z0-9_-]{8,}):([A-Za-z0-9_-]{16,})(?![\w-])")


def remember_secret(value: str | None) -> None:
    """Redact this exact value from every log line from now on (the key once it is resolved)."""
    if value and len(value.strip()) >= _MIN_SECRET_CHARS:
        with _secrets_lock:
            _secrets.add(value.strip())


def known_secrets() -> list[str]:
    """The literal values being redacted: remembered ones plus FAL_KEY, longest first."""
    with _secrets_lock:
        found = set(_secrets)
    env = os.environ.get(_ENV_KEY, "").strip()
    if len(env) >= _MIN_SECRET_CHARS:
        found.add(env)
    return sorted(found, key=len, reverse=True)


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _key_shaped(match: re.Match[str]) -> str:
    # fal keys are "<key id>:<secret>", both parts with digits; words such as
    # "error_type:runner_server_error" have none and are left alone.
    key_id, secret = match.group(1), match.group(2)
    if _has_digit(key_id) and _has_digit(secret):
        return REDACTED
    return match.group(0)


def _scheme_token(match: re.Match[str]) -> str:
    token = match.group(3)
    if ":" in token or _has_digit(token):
        return f"{match.group(1)}{match.group(2)}{REDACTED}"
    return match.group(0)


def _assigned(match: re.Match[str]) -> str:
    head, first, gap, second = match.group(1), match.group(2), match.group(3), match.group(4)
    if second is not None and first.lower() in _SCHEMES:
        scheme, secret, tail = f"{first}{gap}", second, ""
    else:
        scheme, secret, tail = "", first, f"{gap or ''}{second or ''}"
    if secret.startswith("[redacted"):
        return match.group(0)
    return f"{head}{scheme}{REDACTED}{tail}"


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """`text` with the key (and anything shaped like a credential) replaced by [redacted]."""
    values = known_secrets() if secrets is None else sorted(set(secrets), key=len, reverse=True)
    for value in values:
        if value:
            text = text.replace(value, REDACTED)
    text = _ASSIGNED.sub(_assigned, text)
    text = _SCHEME_TOKEN.sub(_scheme_token, text)
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + ":" + REDACTED + "@", text)
    return _KEY_SHAPED.sub(_key_shaped, text)


class KeyRedactor(logging.Filter):
    """A logging filter that rewrites each record's message and traceback with `redact`.

    It never drops a record. Attached to a handler, it also protects handlers
    that see the same record later, because the record itself is rewritten.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = known_secrets()
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: the handler reports it as logging does
            return True
        clean = redact(message, secrets)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return True


class _PrivateRotatingFileHandler(RotatingFileHandler):
    """Rotating file handler whose files only the user can read (they hold prompts)."""

    qcut_ai_log = True

    def _open(self):  # type: ignore[no-untyped-def]
        stream = super()._open()
        # A file system without permissions (e.g. FAT) is still usable.
        with contextlib.suppress(OSError):
            os.chmod(self.baseFilename, 0o600)
        return stream


def log_file(dirs: AppDirs | None = None) -> Path:
    """Where the current log file is (it may not exist yet)."""
    return (dirs or app_dirs()).logs / LOG_FILE_NAME


def _our_handlers() -> list[_PrivateRotatingFileHandler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, _PrivateRotatingFileHandler)]


def setup_logging(dirs: AppDirs | None = None, *, level: int = logging.INFO) -> Path:
    """Log to a rotating, redacted file under the app's log folder; returns its path.

    Calling it again is harmless: the same file keeps one handler (its level
    updated); a different log folder replaces the previous handler.
    """
    path = log_file(dirs)
    path.parent.mkdir(parents=True, exist_ok=True)
    remember_secret(os.environ.get(_ENV_KEY))
    root = logging.getLogger()
    with _setup_lock:
        for handler in _our_handlers():
            if Path(handler.baseFilename) == path:
                handler.setLevel(level)
                break
            root.removeHandler(handler)
            handler.close()
        else:
            handler = _PrivateRotatingFileHandler(
                path,
                maxBytes=MAX_LOG_BYTES,
                backupCount=LOG_BACKUPS,
                encoding="utf-8",
                delay=True,
            )
            handler.setLevel(level)
            handler.setFormatter(logging.Formatter(LOG_FORMAT))
            handler.addFilter(KeyRedactor())
            root.addHandler(handler)
        if root.getEffectiveLevel() > level:
            root.setLevel(level)
    return path


def shutdown_logging() -> None:
    """Detach and close the log file handler (tests, and before the app exits)."""
    root = logging.getLogger()
    with _setup_lock:
        for handler in _our_handlers():
            root.removeHandler(handler)
            handler.close()
