"""An `.otio` timeline back into a `Timeline` value, its clips found in the library.

Each clip's file is looked for in this order:

1. at its path: the library item with that path (or, failing that, with the
   content hash the export wrote) gives the clip its media id;
2. in the library by content hash (`qcut_ai.sha256`), or by the old path
   for a timeline made elsewhere: an item whose file is present is used;
3. by the library's relink (hash, then name and duration) under the
   timeline file's folder and any folders given, which also tells the
   library where its moved files are now.

A clip found nowhere keeps its old path and is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import opentimelineio as otio

from qcut_ai.core.errors import InterchangeError
from qcut_ai.core.frame_rate import frame_rate
from qcut_ai.core.media import MediaItem
from qcut_ai.core.timeline import Timeline, TimelineClip, Track, TrackKind
from qcut_ai.interchange.metadata import NAMESPACE, parse_rate, timeline_rate_of
from qcut_ai.library.repository import MediaRepository

_KINDS = {
    otio.schema.TrackKind.Video: TrackKind.VIDEO,
    otio.schema.TrackKind.Audio: TrackKind.AUDIO,
}


@dataclass(frozen=True)
class ImportResult:
    """The timeline read, and one sentence per clip that had to be looked for."""

    timeline: Timeline
    relinked: int
    missing: tuple[str, ...]
    notes: tuple[str, ...]


def read_otio(path: Path) -> otio.schema.Timeline:
    """The timeline in an `.otio` file (the first one, if it holds several)."""
    try:
        obj = otio.adapters.read_from_file(str(path), adapter_name="otio_json")
    except FileNotFoundError as exc:
        raise InterchangeError(f"{path} does not exist.") from exc
    except (OSError, ValueError, otio.exceptions.OTIOError) as exc:
        raise InterchangeError(
            f"{path} could not be read as an OpenTimelineIO timeline ({exc})."
        ) from exc
    if isinstance(obj, otio.schema.Timeline):
        return obj
    timelines = list(obj.find_children(descended_from_type=otio.schema.Timeline))
    if not timelines:
        raise InterchangeError(f"{path} holds no timeline (only clips).")
    return timelines[0]


def import_timeline(
    repo: MediaRepository, path: Path, *, search: Sequence[Path] = ()
) -> ImportResult:
    """Read `path` and find its clips; moved files are searched for beside it and in `search`."""
    return timeline_from_otio(repo, read_otio(path), search=[path.parent, *search])


def timeline_from_otio(
    repo: MediaRepository, obj: otio.schema.Timeline, *, search: Sequence[Path] = ()
) -> ImportResult:
    finder = _Finder(repo, search)
    rate = timeline_rate_of(obj)
    tracks: list[Track] = []
    for track in obj.tracks:
        kind = _KINDS.get(track.kind)
        if kind is None or not isinstance(track, otio.schema.Track):
            finder.notes.append(
                f"Track {track.name or '?'} is neither video nor audio; it was left out."
            )
            continue
        clips: list[TimelineClip] = []
        end = 0
        for index, child in enumerate(track):
            if isinstance(child, otio.schema.Gap):
                continue
            if not isinstance(child, otio.schema.Clip):
                finder.notes.append(
                    f"“{child.name or child.schema_name()}” on {track.name} is a "
                    f"{child.schema_name().lower()}, which the timeline does not hold; "
                    "it was left out."
                )
                continue
            start = track.range_of_child_at_index(index).start_time.rescaled_to(float(rate))
            clip = _clip(child, max(end, round(start.value)), finder)
            if clip is not None:
                clips.append(clip)
                end = clip.record_end(rate)
        label = track.name or f"{kind.value[0].upper()}{len(tracks) + 1}"
        tracks.append(Track(kind, label, tuple(clips)))
    timeline = Timeline(obj.name or "Timeline", rate, tuple(tracks))
    return ImportResult(timeline, finder.relinked, tuple(finder.missing), tuple(finder.notes))


def _clip(child: otio.schema.Clip, record_start: int, finder: _Finder) -> TimelineClip | None:
    ours: dict[str, Any] = dict(child.metadata.get(NAMESPACE, {}) or {})
    source = child.source_range or child.available_range()
    rate = parse_rate(ours.get("rate")) or frame_rate(source.start_time.rate) or Fraction(24)
    first = round(source.start_time.rescaled_to(float(rate)).value)
    last = round(source.end_time_exclusive().rescaled_to(float(rate)).value)
    ref = child.media_reference
    if not isinstance(ref, otio.schema.ExternalReference) or not ref.target_url:
        finder.notes.append(f"“{child.name}” has no media file; it was left out.")
        return None
    name = child.name or Path(_path_of(ref.target_url)).stem
    path, media_id = finder.find(name, _path_of(ref.target_url), ours)
    return TimelineClip(
        path=path,
        name=name,
        rate=rate,
        source_in=first,
        source_out=max(last, first + 1),
        record_start=record_start,
        media_id=media_id,
    )


def _path_of(url: str) -> str:
    if url.startswith("file:"):
        return unquote(urlparse(url).path)
    return url


class _Finder:
    """Finds each clip's file and library item, relinking each folder at most once."""

    def __init__(self, repo: MediaRepository, search: Sequence[Path]) -> None:
        self.repo = repo
        self.folders = [f for f in dict.fromkeys(search) if f.is_dir()]
        self.searched = False
        self.relinked = 0
        self.missing: list[str] = []
        self.notes: list[str] = []

    def find(self, name: str, path: str, ours: dict[str, Any]) -> tuple[str, int | None]:
        sha = str(ours.get("sha256") or "")
        if Path(path).is_file():
            row = self.repo.get_by_path(Path(path))
            same = row or next(iter(self.repo.get_by_sha256(sha)), None)
            return path, same.id if same else None
        known = self._known(path, sha)
        present = next((i for i in known if Path(i.path).is_file()), None)
        if present is None and known:
            self._relink()
            known = self._known(path, sha, refresh=known)
            present = next((i for i in known if Path(i.path).is_file()), None)
        if present is not None:
            self.notes.append(f"“{name}” had moved: it was found at {present.path}.")
            return present.path, present.id
        self.missing.append(path)
        where = " or ".join(str(f) for f in self.folders) or "the library"
        self.notes.append(
            f"“{name}” is missing: {path} does not exist and no file with its content was "
            f"found in {where}; it keeps its old path."
        )
        return path, known[0].id if known else None

    def _known(self, path: str, sha: str, refresh: Sequence[MediaItem] = ()) -> list[MediaItem]:
        if refresh:
            return [i for i in (self.repo.get(r.id) for r in refresh) if i is not None]
        known = self.repo.get_by_sha256(sha)
        row = self.repo.get_by_path(Path(path))
        if row is not None and all(row.id != i.id for i in known):
            known.append(row)
        return known

    def _relink(self) -> None:
        if self.searched:
            return
        self.searched = True
        for folder in self.folders:
            self.relinked += self.repo.relink(folder).relinked
