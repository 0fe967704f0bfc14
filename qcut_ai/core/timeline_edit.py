"""Editing a timeline the way a drop or a drag does: place a clip where it was
aimed, snapped to the edges near it, never on top of another clip.

Pure functions of `Timeline` values, so the demo timeline, a host and the
tests share one rule, and undo is keeping the previous value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from qcut_ai.core.frame_rate import frame_rate, frames_in
from qcut_ai.core.timeline import STILL_SECONDS, Timeline, TimelineClip


def clip_from_payload(item: Mapping[str, Any], rate: Fraction) -> TimelineClip | None:
    """A clip of one item of the panel's drag payload (None when it has no length)."""
    kind = item.get("kind")
    fps, duration = item.get("fps"), item.get("duration")
    own = frame_rate(fps if isinstance(fps, (int, float)) else None) or rate
    if kind == "image":
        seconds: float = STILL_SECONDS
    elif isinstance(duration, (int, float)) and duration > 0:
        seconds = float(duration)
    else:
        return None
    media_id = item.get("id")
    return TimelineClip(
        path=str(item.get("path", "")),
        name=str(item.get("display_name") or item.get("name") or ""),
        rate=own,
        source_in=0,
        source_out=max(1, frames_in(seconds, own)),
        media_id=media_id if isinstance(media_id, int) else None,
    )


def edges(timeline: Timeline, *, leave_out: TimelineClip | None = None) -> list[int]:
    """Frames a clip snaps to: the start, and every clip's start and end on any track."""
    found = {0}
    for _track, clip in timeline.clips():
        if clip is not leave_out:
            found.add(clip.record_start)
            found.add(clip.record_end(timeline.rate))
    return sorted(found)


def snap(frame: int, length: int, to: Iterable[int], tolerance: int) -> int:
    """`frame` moved onto the nearest edge within `tolerance` frames of the clip's start
    or of its end; unchanged when none is that near."""
    best, distance = frame, tolerance + 1
    for edge in to:
        for candidate in (edge, edge - length):
            if candidate >= 0 and abs(candidate - frame) < distance:
                best, distance = candidate, abs(candidate - frame)
    return best


def free_start(
    timeline: Timeline,
    track: int,
    wanted: int,
    length: int,
    *,
    leave_out: TimelineClip | None = None,
) -> int:
    """The start nearest `wanted` where `length` frames fit on `track` between its clips."""
    busy = [
        (c.record_start, c.record_end(timeline.rate))
        for c in timeline.tracks[track].clips
        if c is not leave_out
    ]

    def fits(start: int) -> bool:
        return start >= 0 and all(start + length <= a or start >= b for a, b in busy)

    candidates = [max(0, wanted)] + [b for _a, b in busy] + [a - length for a, _b in busy]
    return min((s for s in candidates if fits(s)), key=lambda s: (abs(s - wanted), s))


def place(timeline: Timeline, track: int, clip: TimelineClip, frame: int) -> Timeline:
    """`timeline` with `clip` on `track` at `frame`, or the nearest free place to it."""
    start = free_start(timeline, track, frame, clip.record_frames(timeline.rate))
    return timeline.with_clip(track, clip.at(start), append=False)


def without(timeline: Timeline, track: int, clip: TimelineClip) -> Timeline:
    """`timeline` with `clip` taken off `track`."""
    kept = tuple(c for c in timeline.tracks[track].clips if c is not clip)
    tracks = list(timeline.tracks)
    tracks[track] = dataclasses.replace(tracks[track], clips=kept)
    return dataclasses.replace(timeline, tracks=tuple(tracks))


def move(timeline: Timeline, track: int, clip: TimelineClip, to_track: int, frame: int) -> Timeline:
    """`clip` moved from `track` to `to_track` at `frame` (or the nearest free place)."""
    return place(without(timeline, track, clip), to_track, clip, frame)
