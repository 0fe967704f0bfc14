"""A diagnostics report for bug reports: versions, settings, key status and recent log lines.

Everything is redacted on the way out, and the key's value is never read
into the report at all: only whether one is set and where it comes from.
Package versions come from installed metadata, so Qt is never imported.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import sys
from collections import deque
from importlib import metadata
from pathlib import Path
from typing import Any

from qcut_ai import APP_NAME, __version__
from qcut_ai.core.app_dirs import HOME_ENV, app_dirs
from qcut_ai.core.errors import QcutError
from qcut_ai.core.settings import Settings
from qcut_ai.services.logs import LOG_BACKUPS, known_secrets, log_file, redact
from qcut_ai.services.settings_store import SettingsStore

# Distributions worth naming in a bug report, in the order shown.
PACKAGES = (
    "PySide6-Essentials",
    "PySide6",
    "fal-client",
    "httpx",
    "keyring",
    "pydantic",
    "sqlite-utils",
    "av",
    "pillow",
    "imageio-ffmpeg",
    "platformdirs",
    "send2trash",
)
# Environment variables that change where qcut-ai reads, writes or connects.
_ENV_SHOWN = (HOME_ENV, "QCUT_AI_FAL_URL", "QCUT_AI_STANDIN_PROFILE", "QT_QPA_PLATFORM")
_TAIL_BYTES = 512 * 1024


def _versions() -> dict[str, str]:
    found: dict[str, str] = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def _settings_section(settings: Settings | None) -> dict[str, Any]:
    if settings is None:
        try:
            settings = SettingsStore().load()
        except QcutError as exc:
            return {"error": exc.user_text()}
    return settings.to_json()


def _key_section() -> dict[str, Any]:
    """Whether a key is set and where from; never its value, not even masked."""
    from qcut_ai.services.secrets import resolve_key

    try:
        key = resolve_key()
    except QcutError as exc:
        return {"present": False, "source": None, "problem": exc.user_text()}
    if key is None:
        return {"present": False, "source": None, "problem": None}
    source = "FAL_KEY environment variable" if key.source == "env" else "system keyring"
    return {"present": True, "source": source, "problem": None}


def _keyring_backend() -> str:
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception as exc:  # any backend failure is itself worth reporting
        return f"unavailable ({type(exc).__name__})"
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}"


def _ffmpeg() -> str:
    from qcut_ai.services.ffmpeg_tools import ffmpeg_exe

    try:
        return ffmpeg_exe()
    except QcutError as exc:
        return exc.user_text()


def _environment() -> dict[str, str]:
    # FAL_KEY is covered by the key section, which says where the key comes from.
    return {name: os.environ[name] for name in _ENV_SHOWN if os.environ.get(name)}


def _tail(path: Path, lines: int) -> list[str]:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - _TAIL_BYTES))
            data = fh.read()
    except OSError:
        return []
    text = data.decode("utf-8", "replace").splitlines()
    if size > _TAIL_BYTES and text:
        text = text[1:]  # the first line was cut by the seek
    return list(deque(text, maxlen=lines))


def recent_log_lines(lines: int = 200) -> list[str]:
    """The last `lines` lines of the log (reaching into the previous file if needed), redacted."""
    if lines <= 0:
        return []
    current = log_file()
    files = [current.with_name(f"{current.name}.{n}") for n in range(LOG_BACKUPS, 0, -1)]
    collected: deque[str] = deque(maxlen=lines)
    for path in [*files, current]:
        collected.extend(_tail(path, lines))
    secrets = known_secrets()
    return [redact(line, secrets) for line in collected]


def _redacted(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {k: _redacted(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v, secrets) for v in value]
    return value


def collect_diagnostics(
    settings: Settings | None = None, *, log_lines: int = 200
) -> dict[str, Any]:
    """The report as plain data (what `qcut-ai diagnostics --json` prints), redacted."""
    dirs = app_dirs()
    data = {
        "app": {"name": APP_NAME, "version": __version__},
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
        },
        "os": {"platform": platform.platform(), "machine": platform.machine()},
        "packages": _versions(),
        "sqlite": sqlite3.sqlite_version,
        "ffmpeg": _ffmpeg(),
        "paths": {
            "config": str(dirs.config),
            "data": str(dirs.data),
            "cache": str(dirs.cache),
            "logs": str(dirs.logs),
            "log_file": str(log_file(dirs)),
        },
        "settings": _settings_section(settings),
        "key": _key_section(),
        "keyring_backend": _keyring_backend(),
        "environment": _environment(),
        "log": recent_log_lines(log_lines),
    }
    redacted: dict[str, Any] = _redacted(data, known_secrets())
    return redacted


def _lines_of(title: str, values: dict[str, Any]) -> list[str]:
    out = [f"{title}:"]
    for name, value in values.items():
        shown = json.dumps(value) if isinstance(value, dict | list) else value
        out.append(f"  {name}: {shown}")
    return out


def format_diagnostics(data: dict[str, Any]) -> str:
    """The report as text to paste into a bug report."""
    key = data["key"]
    key_text = f"set, from the {key['source']}" if key["present"] else "not set"
    if key.get("problem"):
        key_text += f" ({key['problem']})"
    lines = [
        f"{data['app']['name']} {data['app']['version']}",
        f"Python {data['python']['version']} ({data['python']['implementation']}) "
        f"at {data['python']['executable']}",
        f"OS: {data['os']['platform']} ({data['os']['machine']})",
        f"SQLite {data['sqlite']}; ffmpeg: {data['ffmpeg']}",
        f"fal key: {key_text}",
        f"Keyring backend: {data['keyring_backend']}",
    ]
    lines += _lines_of("Packages", data["packages"])
    lines += _lines_of("Paths", data["paths"])
    lines += _lines_of("Environment", data["environment"])
    lines += _lines_of("Settings", data["settings"])
    lines.append(f"Recent log lines ({len(data['log'])}):")
    lines += [f"  {line}" for line in data["log"]] or ["  (the log is empty)"]
    return redact("\n".join(lines)) + "\n"


def gather_diagnostics(settings: Settings | None = None, *, log_lines: int = 200) -> str:
    """Versions, settings (redacted), key status, keyring backend and recent log lines as text."""
    return format_diagnostics(collect_diagnostics(settings, log_lines=log_lines))
