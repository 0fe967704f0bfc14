"""Names for the files qcut-ai writes: safe on every OS, never taken from a server."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

PART_SUFFIX = ".part"

# Path separators, Windows' reserved characters, control characters, and the
# direction controls that make "clip\u202egnp.exe" display as "clipexe.png".
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]')
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
MAX_NAME_CHARS = 120


def sanitize_file_name(name: str, *, max_chars: int = MAX_NAME_CHARS) -> str:
    """A file name that is valid on Windows, macOS and Linux."""
    name = unicodedata.normalize("NFC", name)
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 8 or not ext.isalnum():
        stem, ext = name, ""
    ext = ext.lower()
    stem = _FORBIDDEN.sub(" ", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" .")
    if not stem:
        stem = "media"
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    room = max_chars - (len(ext) + 1 if ext else 0)
    stem = stem[:room].rstrip(" .") or "media"
    return f"{stem}.{ext}" if ext else stem


def media_file_name(model_name: str, prompt: str, short_id: str, ext: str) -> str:
    """`AI (Model) - prompt words - short id.ext`, safe for every OS, ≤120 chars."""
    ext = re.sub(r"[^0-9a-z]", "", ext.lower()) or "mp4"
    model = _FORBIDDEN.sub(" ", model_name).replace("(", "[").replace(")", "]").strip() or "fal"
    sid = _FORBIDDEN.sub("", short_id).strip(" .")[:16] or "result"
    head = f"AI ({' '.join(model.split())})"
    tail = f" - {sid}.{ext}"
    words = " ".join(_FORBIDDEN.sub(" ", prompt).split())
    room = MAX_NAME_CHARS - len(head) - len(tail) - 3
    if words and room >= 8:
        if len(words) > room:
            words = words[:room].rsplit(" ", 1)[0] if " " in words[:room] else words[:room]
        return sanitize_file_name(f"{head} - {words.strip(' .')}{tail}")
    return sanitize_file_name(f"{head}{tail}")


def unique_path(directory: Path, name: str) -> Path:
    """`directory/name`, or `name (2)`, `name (3)`… when that is taken (also by a .part)."""
    candidate = directory / name
    stem, suffix = candidate.stem, candidate.suffix
    n = 2
    while candidate.exists() or candidate.with_name(candidate.name + PART_SUFFIX).exists():
        candidate = directory / f"{stem} ({n}){suffix}"
        n += 1
    return candidate
