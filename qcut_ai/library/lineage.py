"""Which library item a generated result was made from (media.parent_id / relation).

A result whose source video is a library clip (extend, edit, lipsync,
upscale) names that clip; a result started from a clip's extracted last frame
names the clip the frame came from. The relation comes from the model's
category (`core.derive.RELATION_OF_CATEGORY`), so each way of working is
named in one place.
"""

from __future__ import annotations

import json
from pathlib import Path

from qcut_ai.core.catalog import MediaRole, load_catalog
from qcut_ai.core.derive import RELATION_OF_CATEGORY
from qcut_ai.core.errors import QcutError
from qcut_ai.core.media import Provenance
from qcut_ai.library.repository import MediaRepository

FRAME_SUFFIX = ".last-frame.png"
# Beside each extracted frame: the library item it came from.
_SOURCE_SUFFIX = ".source.json"


def frame_path(folder: Path, video: Path, media_id: int) -> Path:
    """Where the last frame of library item `media_id` is kept."""
    return folder / f"{video.stem}-{media_id}{FRAME_SUFFIX}"


def record_frame_source(frame: Path, media_id: int) -> None:
    frame.with_name(frame.name + _SOURCE_SUFFIX).write_text(
        json.dumps({"media_id": media_id}), "utf-8"
    )


def frame_source(frame: Path) -> int | None:
    """The library item an extracted frame (or cut range) came from, or None for any
    other file: only what `record_frame_source` marked has the note beside it."""
    try:
        data = json.loads(frame.with_name(frame.name + _SOURCE_SUFFIX).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("media_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def with_lineage(repo: MediaRepository, provenance: Provenance) -> Provenance:
    """`provenance` with its source item and relation filled in, when one is known."""
    if provenance.parent_id is not None:
        return provenance
    try:
        category = load_catalog().get(provenance.model_id).category
    except QcutError:
        return provenance  # a model this version does not know: no relation to name
    for entry in provenance.inputs:
        path = Path(str(entry.get("path") or ""))
        if not path.name:
            continue
        role = str(entry.get("role") or "")
        relation = RELATION_OF_CATEGORY.get(category) if role == MediaRole.VIDEO.value else None
        if relation is not None:
            source = repo.get_by_path(path.resolve())
            cut_of = frame_source(path) if source is None else None  # a marked range
            if source is None and cut_of is not None:
                source = repo.get(cut_of)
            if source is not None:
                return provenance.model_copy(update={"parent_id": source.id, "relation": relation})
        if role == MediaRole.IMAGE.value:
            frame_of = frame_source(path)
            if frame_of is not None and repo.get(frame_of) is not None:
                update = {"parent_id": frame_of, "relation": "continued_from"}
                return provenance.model_copy(update=update)
    return provenance
