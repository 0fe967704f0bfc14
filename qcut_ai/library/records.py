"""Conversions between library rows and `core.media` records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qcut_ai.core.media import MediaItem, MediaKind, Origin, ProbeInfo, Provenance

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
    path = row["path"]
    if root is not None and row.get("rel_path"):
        path = str(root / row["rel_path"])
    provenance = None
    if row.get("provenance"):
        from qcut_ai.library.provenance import from_json

        provenance = from_json(row["provenance"])
    tags = sorted(t for t in (row.get("tags") or "").split(TAG_SEPARATOR) if t)
    return MediaItem(
        id=row["id"],
        name=row["name"],
        path=path,
        kind=MediaKind(row["kind"]),
        origin=Origin(row["origin"]),
        created_at=row["created_at"],
        probe=ProbeInfo(
            kind=MediaKind(row["kind"]),
            duration=row["duration"],
            width=row["width"],
            height=row["height"],
            fps=row["fps"],
            video_codec=row["video_codec"],
            audio_codec=row["audio_codec"],
            has_audio=bool(row["has_audio"]),
            rotation=row["rotation"],
            size=row["size"],
            sha256=row["sha256"],
        ),
        thumbnail=row["thumbnail"],
        filmstrip=row["filmstrip"],
        model=row["endpoint"],
        model_name=row["model_name"],
        request_id=row["request_id"],
        prompt=row["prompt"],
        cost_estimate_usd=row["cost_estimate_usd"],
        rating=row["rating"],
        favourite=bool(row["favourite"]),
        tags=tags,
        missing=bool(row["missing"]),
        parent_id=row["parent_id"],
        provenance=provenance,
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
