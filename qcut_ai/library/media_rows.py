"""Conversions between library rows and `core.media` records."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qcut_ai.core.media import MediaItem, Origin, ProbeInfo, Provenance

MEDIA_COLUMNS = (
    "name, path, rel_path, kind, origin, created_at, duration, width, height, fps, "
    "video_codec, audio_codec, has_audio, rotation, size, sha256, thumbnail, filmstrip, "
    "endpoint, model_id, model_name, request_id, prompt, negative_prompt, "
    "cost_estimate_usd, provenance, parent_id, relation, tags"
)
_PLACEHOLDERS = ", ".join("?" for _ in MEDIA_COLUMNS.split(","))
INSERT_SQL = f"INSERT INTO media ({MEDIA_COLUMNS}) VALUES ({_PLACEHOLDERS})"
# The denormalised `tags` column (read by the FTS index) holds one tag per line.
TAG_SEPARATOR = "\n"


def now_iso() -> str:
    """The current UTC time as ISO-8601 with milliseconds, e.g. 2026-01-02T03:04:05.678Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class NewMedia:
    """Everything needed to add one file to the library."""

    path: Path
    probe: ProbeInfo
    origin: Origin = Origin.IMPORTED
    name: str | None = None  # defaults to the file name
    provenance: Provenance | None = None
    thumbnail: Path | None = None
    filmstrip: Path | None = None
    tags: list[str] = field(default_factory=list)
    created_at: str | None = None


def relative_to(path: Path, root: Path | None) -> str | None:
    """`path` relative to the project root (with forward slashes), when inside it."""
    if root is None:
        return None
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def insert_params(new: NewMedia, root: Path | None) -> tuple[Any, ...]:
    p = new.probe
    prov = new.provenance
    from qcut_ai.library.provenance import to_json

    path = new.path.resolve() if not new.path.is_absolute() else new.path
    return (
        new.name or path.name,
        str(path),
        relative_to(path, root),
        p.kind.value,
        new.origin.value,
        new.created_at or now_iso(),
        p.duration,
        p.width,
        p.height,
        p.fps,
        p.video_codec,
        p.audio_codec,
        int(p.has_audio),
        p.rotation,
        p.size,
        p.sha256,
        str(new.thumbnail) if new.thumbnail else None,
        str(new.filmstrip) if new.filmstrip else None,
        prov.endpoint if prov else None,
        prov.model_id if prov else None,
        prov.model_name if prov else None,
        (prov.request_id or None) if prov else None,
        prov.prompt if prov else None,
        prov.negative_prompt if prov else None,
        prov.cost_estimate_usd if prov else None,
        to_json(prov) if prov else None,
        prov.parent_id if prov else None,
        prov.relation if prov else None,
        TAG_SEPARATOR.join(new.tags),
    )


def row_to_item(row: dict[str, Any], root: Path | None) -> MediaItem:
    """A MediaItem from a `media` row; paths follow the project folder if it moved."""
    return rows_to_items(list(row), [tuple(row.values())], root)[0]


def rows_to_items(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], root: Path | None
) -> list[MediaItem]:
    """MediaItems from `media` rows (`columns` names their values, as `SELECT m.*` gives).

    A page of rows is built on every query and scroll, so this stays lean: the
    provenance JSON is kept as stored (parsed when first asked for), paths are
    joined as strings, and each item is validated from one nested dict in a
    single pydantic call.
    """
    at = {name: n for n, name in enumerate(columns)}
    top = [(key, at[column]) for key, column in _ITEM_FIELDS]
    probe = [(key, at[key]) for key in _PROBE_FIELDS]
    kind, rel, path_at, tags_at = at["kind"], at["rel_path"], at["path"], at["tags"]
    has_audio, favourite, missing, prov = (
        at["has_audio"],
        at["favourite"],
        at["missing"],
        at["provenance"],
    )
    base = os.fspath(root) if root is not None else None
    sep = os.sep
    items = []
    for row in rows:
        data = {key: row[n] for key, n in top}
        data["probe"] = info = {key: row[n] for key, n in probe}
        info["kind"] = row[kind]
        info["has_audio"] = bool(row[has_audio])
        rel_path = row[rel]
        # Plain strings: a Path per row costs more than the rest of the row.
        if base is not None and rel_path:
            data["path"] = base + sep + (rel_path if sep == "/" else rel_path.replace("/", sep))
        else:
            data["path"] = row[path_at]
        tags = row[tags_at]
        data["tags"] = sorted(t for t in tags.split(TAG_SEPARATOR) if t) if tags else []
        data["favourite"] = bool(row[favourite])
        data["missing"] = bool(row[missing])
        data["provenance_json"] = row[prov] or None
        items.append(MediaItem.model_validate(data))
    return items


# MediaItem field, `media` column: copied as they are.
_ITEM_FIELDS = (
    ("id", "id"),
    ("name", "name"),
    ("kind", "kind"),
    ("origin", "origin"),
    ("created_at", "created_at"),
    ("thumbnail", "thumbnail"),
    ("filmstrip", "filmstrip"),
    ("model", "endpoint"),
    ("model_name", "model_name"),
    ("request_id", "request_id"),
    ("prompt", "prompt"),
    ("cost_estimate_usd", "cost_estimate_usd"),
    ("rating", "rating"),
    ("parent_id", "parent_id"),
    ("bin_id", "bin_id"),
    ("colour", "colour"),
)
_PROBE_FIELDS = (
    "duration",
    "width",
    "height",
    "fps",
    "video_codec",
    "audio_codec",
    "rotation",
    "size",
    "sha256",
)


def fts_query(text: str) -> str | None:
    """A safe FTS5 MATCH expression: every word must appear, the last as a prefix.

    User input is reduced to words and each is quoted, so quotes, hyphens,
    `*`, `AND`/`OR`/`NOT` and parentheses are searched as text, never parsed
    as query syntax.
    """
    words = re.findall(r"\w+", text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    if not text.rstrip().endswith(('"', "'")):
        quoted[-1] += "*"
    return " ".join(quoted)
