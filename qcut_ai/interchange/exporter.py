"""Export library items or a timeline to an editor's file, or to an OTIO object in memory.

The panel and a host editor call `selection_to_otio` / `timeline_to_otio` and
take the OpenTimelineIO object without any file; `qcut-ai export` and the
panel's Export menu call `export_selection` / `export_timeline`, which write
the file and say, one sentence per clip, what the format could not hold.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import opentimelineio as otio

from qcut_ai.core.errors import InterchangeError
from qcut_ai.core.frame_rate import is_conformed, rate_label
from qcut_ai.core.media import MediaItem
from qcut_ai.core.timeline import InOut, Timeline, media_rate
from qcut_ai.interchange.build import otio_bin, otio_timeline
from qcut_ai.interchange.formats import ExportFormat, OtioObject, render
from qcut_ai.interchange.selection import ItemQuery, bin_clips, string_out
from qcut_ai.library.repository import MediaRepository


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    format: ExportFormat
    clips: int
    duration_s: float | None  # None for a bin
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format.value,
            "clips": self.clips,
            "duration_s": self.duration_s,
            "notes": list(self.notes),
        }


def selection_to_otio(
    repo: MediaRepository,
    query: ItemQuery,
    *,
    marks: Mapping[int, InOut] | None = None,
    as_bin: bool = False,
    name: str | None = None,
) -> OtioObject:
    """The chosen items as an OTIO timeline (one after another) or, `as_bin`, a collection."""
    obj, _ = _selection(repo, query, marks, as_bin, name)
    return obj


def timeline_to_otio(repo: MediaRepository, timeline: Timeline) -> otio.schema.Timeline:
    """A timeline as it is, as OTIO, each clip with its library item's provenance."""
    obj, _ = _timeline(repo, timeline)
    return obj


def export_selection(
    repo: MediaRepository,
    query: ItemQuery,
    fmt: ExportFormat,
    out: Path,
    *,
    marks: Mapping[int, InOut] | None = None,
    as_bin: bool = False,
    name: str | None = None,
) -> ExportResult:
    obj, notes = _selection(repo, query, marks, as_bin, name or out.stem)
    return write(obj, fmt, out, notes)


def export_timeline(
    repo: MediaRepository, timeline: Timeline, fmt: ExportFormat, out: Path
) -> ExportResult:
    obj, notes = _timeline(repo, timeline)
    return write(obj, fmt, out, notes)


def write(obj: OtioObject, fmt: ExportFormat, out: Path, notes: Iterable[str] = ()) -> ExportResult:
    """Write `obj` as `fmt` to `out` (whole or not at all)."""
    text, format_notes = render(obj, fmt)
    target = out.expanduser().absolute()
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        with contextlib.suppress(OSError):  # e.g. the folder is a file: no part to remove
            partial.unlink(missing_ok=True)
        raise InterchangeError(
            f"{target} could not be written: {exc.strerror or exc}.",
            hint="Choose a folder you can write to.",
        ) from exc
    clips = len(list(obj.find_clips()))
    duration = None
    if isinstance(obj, otio.schema.Timeline):
        duration = obj.duration().to_seconds()
    return ExportResult(target, fmt, clips, duration, (*notes, *format_notes))


# --- building -------------------------------------------------------------


def _selection(
    repo: MediaRepository,
    query: ItemQuery,
    marks: Mapping[int, InOut] | None,
    as_bin: bool,
    name: str | None,
) -> tuple[OtioObject, list[str]]:
    items = query.items(repo)
    by_id = {i.id: i for i in items}
    title = name or query.describe()
    notes = _item_notes(items)
    if as_bin:
        return otio_bin(title, bin_clips(items, marks), by_id), notes
    return otio_timeline(string_out(title, items, marks), by_id), notes


def _timeline(repo: MediaRepository, timeline: Timeline) -> tuple[otio.schema.Timeline, list[str]]:
    ids = timeline.media_ids()
    items = repo.get_many(ids)
    by_id = {i.id: i for i in items}
    notes = _item_notes(items)
    for _track, clip in timeline.clips():
        if clip.media_id is not None and clip.media_id not in by_id:
            notes.append(
                f"“{clip.name}” is no longer in the library, so it was exported without "
                "its provenance."
            )
    notes += _missing_files(c.path for _, c in timeline.clips())
    return otio_timeline(timeline, by_id), notes


def _item_notes(items: Sequence[MediaItem]) -> list[str]:
    notes: list[str] = []
    for item in items:
        rate = media_rate(item)
        if item.probe.fps and is_conformed(item.probe.fps, rate):
            notes.append(
                f"“{item.display_name}” runs at a variable or unusual rate "
                f"({item.probe.fps:g} fps on average), so it is counted at "
                f"{rate_label(rate)} fps."
            )
    return notes + _missing_files(i.path for i in items)


def _missing_files(paths: Iterable[str]) -> list[str]:
    gone = [p for p in dict.fromkeys(paths) if not Path(p).is_file()]
    return [f"{p} is missing, so the editor will ask where it is." for p in gone]
