"""Keep a result's history with the file itself.

Provenance is written twice: as a sidecar `<file>.qcut.json` and inside the
container's metadata (MP4/MOV through `use_metadata_tags`, Matroska/WebM
natively), by a stream copy without re-encoding. A file copied to another
machine and imported there brings its prompt, model and request id back.
Secrets never enter provenance: argument keys that look like credentials are
dropped before writing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from pathlib import Path
from typing import Any

from qcut_ai.core.errors import MediaError
from qcut_ai.core.media import MediaItem, Origin, Provenance, provenance_from_json

SIDECAR_SUFFIX = ".qcut.json"
TAG_KEY = "qcut_ai_provenance"
SCHEMA_VERSION = 1
# Containers whose metadata we can rewrite by stream copy, with muxer options.
_TAGGABLE: dict[str, tuple[str, dict[str, str]]] = {
    ".mp4": ("mp4", {"movflags": "use_metadata_tags+faststart"}),
    ".m4v": ("mp4", {"movflags": "use_metadata_tags+faststart"}),
    ".m4a": ("ipod", {"movflags": "use_metadata_tags+faststart"}),
    ".mov": ("mov", {"movflags": "use_metadata_tags+faststart"}),
    ".mkv": ("matroska", {}),
    ".webm": ("webm", {}),
}
_SECRET = re.compile(r"(key|token|secret|password|authorization|credential)", re.IGNORECASE)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def scrub(value: Any) -> Any:
    """A copy of `value` with credential-looking keys removed at every depth."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if not _SECRET.search(str(k))}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def to_json(provenance: Provenance) -> str:
    """Compact JSON with a version marker, safe to embed in a tag."""
    data: dict[str, Any] = {"qcut_ai": SCHEMA_VERSION, **provenance.model_dump(mode="json")}
    # Only the free-form parts can carry a credential by mistake.
    data["arguments"] = scrub(data["arguments"])
    data["inputs"] = scrub(data["inputs"])
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def from_json(text: str) -> Provenance | None:
    """Parse provenance written by `to_json`; None for anything else."""
    return provenance_from_json(text)


# What the user changed in the library (name, tags, rating, favourite) is kept in
# the sidecar too, so a library rebuilt from the media folder brings it back.
LIBRARY_KEY = "library"
_TEMP_MARK = ".tagging-"


def _unique_temp(target: Path, mark: str) -> Path:
    """A temporary name beside `target`, unique per process and thread (several
    processes may finish the same item), carrying the pid for clean-up."""
    return target.with_name(
        f".{target.stem}{mark}{os.getpid()}-{threading.get_ident()}{target.suffix}"
    )


def write_sidecar(
    path: Path, provenance: Provenance, library: dict[str, Any] | None = None
) -> Path:
    out = sidecar_path(path)
    data = json.loads(to_json(provenance))
    if library is None:
        library = read_library_fields(path)
    if library:
        data[LIBRARY_KEY] = library
    tmp = _unique_temp(out, ".writing-")
    try:
        tmp.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), "utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def read_library_fields(path: Path) -> dict[str, Any]:
    """The user's edits kept in a file's sidecar ({} when none)."""
    try:
        data = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found = data.get(LIBRARY_KEY) if isinstance(data, dict) else None
    return dict(found) if isinstance(found, dict) else {}


def remember_library_fields(path: Path, fields: dict[str, Any]) -> bool:
    """Write the user's edits into an existing sidecar; False when the file has none."""
    provenance = read_sidecar(path)
    if provenance is None:
        return False
    write_sidecar(path, provenance, fields)
    return True


def remove_stale_temps(folder: Path, alive: Any) -> int:
    """Delete temporary copies left in `folder` by processes that are gone.

    `alive(pid)` says whether a pid still runs; a copy of a live process is
    left alone (it may be writing it now). Returns how many were removed.
    """
    removed = 0
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(".")]
    except OSError:
        return 0
    for path in candidates:
        for mark in (_TEMP_MARK, ".writing-"):
            _, found, rest = path.name.partition(mark)
            if not found:
                continue
            pid = rest.split("-", 1)[0]
            if pid.isdigit() and not alive(int(pid)):
                path.unlink(missing_ok=True)
                removed += 1
            break
    return removed


def can_embed(path: Path) -> bool:
    return path.suffix.lower() in _TAGGABLE


def embed(path: Path, provenance: Provenance) -> bool:
    """Rewrite `path` in place with provenance in its metadata; False when unsupported.

    The copy goes to a temporary file in the same folder, then replaces the
    original atomically, so a crash leaves either the old or the new file.
    """
    spec = _TAGGABLE.get(path.suffix.lower())
    if spec is None:
        return False
    import av

    fmt, options = spec
    # Unique per writer: the runner and a project's open may finish the same item.
    tmp = _unique_temp(path, _TEMP_MARK)
    try:
        with av.open(str(path)) as src, av.open(str(tmp), "w", format=fmt, options=options) as dst:
            for key, value in src.metadata.items():
                if key not in ("encoder", TAG_KEY):
                    dst.metadata[key] = value
            dst.metadata[TAG_KEY] = to_json(provenance)
            mapping = {}
            for stream in src.streams:
                if stream.type in ("video", "audio"):
                    mapping[stream.index] = dst.add_stream_from_template(stream)
            for packet in src.demux(*[src.streams[i] for i in mapping]):
                if packet.dts is None:
                    continue  # the demuxer's end-of-stream flush packet
                packet.stream = mapping[packet.stream.index]
                dst.mux(packet)
        # On disk before it replaces a paid result, so a crash keeps one whole file.
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except (av.FFmpegError, ValueError) as exc:
        raise MediaError(f"Provenance could not be written into {path.name}: {exc}.") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return True


def read_embedded(path: Path) -> Provenance | None:
    import av

    try:
        with av.open(str(path)) as container:
            text = container.metadata.get(TAG_KEY)
    except (av.FFmpegError, OSError):
        return None
    return from_json(text) if text else None


def read_sidecar(path: Path) -> Provenance | None:
    side = sidecar_path(path)
    try:
        return from_json(side.read_text(encoding="utf-8"))
    except OSError:
        return None


def read(path: Path) -> Provenance | None:
    """A file's provenance: from its own tags first, then from its sidecar."""
    found = read_embedded(path) if can_embed(path) else None
    return found or read_sidecar(path)


def library_fields(item: MediaItem) -> dict[str, Any]:
    """The user's edits of an item, as its sidecar keeps them."""
    fields: dict[str, Any] = {
        "tags": list(item.tags),
        "rating": item.rating,
        "favourite": item.favourite,
    }
    if item.name.strip() and item.display_name == item.name.strip():
        fields["name"] = item.name.strip()
    return fields


def remember_edits(item: MediaItem) -> None:
    """Write the user's edits of a generated item into its sidecar (when it has one).

    The row holds the edit; when the sidecar cannot be written it catches up on the
    next edit."""
    if item.origin is Origin.AI and not item.missing:
        with contextlib.suppress(OSError):
            remember_library_fields(Path(item.path), library_fields(item))
