"""A `Timeline` value and the library's items, as OpenTimelineIO objects.

This is the one place that turns our values into OTIO; every format is
written from what it builds. Each clip gets:

- an `ExternalReference` to the file as an RFC 8089 `file://` URL (spaces and
  quotes percent-encoded, which FCP XML, FCPXML and Kdenlive expect), named
  after the file, with the media's whole length as its available range;
- its source range at the media's own rate, whole frames (a clip at another
  rate than the timeline's lasts its conformed number of timeline frames,
  see `core/timeline.py`, so positions stay exact);
- its provenance under `metadata["qcut_ai"]` (see `metadata.py`) and, for a
  generated item, a marker at its first frame reading `Model: prompt`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
from opentimelineio.opentime import RationalTime, TimeRange

from qcut_ai.core.media import MediaItem, MediaKind
from qcut_ai.core.timeline import Timeline, TimelineClip, TrackKind, media_frames
from qcut_ai.interchange.metadata import (
    NAMESPACE,
    VERSION,
    clip_metadata,
    marker_text,
    rate_text,
)

MARKER_COLOR = otio.schema.MarkerColor.PURPLE  # a plain marker in every editor (not a to-do)

_KINDS = {
    TrackKind.VIDEO: otio.schema.TrackKind.Video,
    TrackKind.AUDIO: otio.schema.TrackKind.Audio,
}


def rational(frames: int | float | Fraction, rate: Fraction) -> RationalTime:
    return RationalTime(float(frames), float(rate))


def file_url(path: str) -> str:
    """The file's absolute `file://` URL, percent-encoded."""
    return Path(path).expanduser().absolute().as_uri()


def media_reference(clip: TimelineClip, item: MediaItem | None) -> otio.schema.ExternalReference:
    """The file behind a clip, with the media's whole length (as far as the library knows it)."""
    if item is not None and item.kind is not MediaKind.IMAGE:
        length = media_frames(item, clip.rate)
    else:
        # A still lasts as long as it is used; a file the library does not know
        # is known to last at least as far as the clip reaches.
        length = clip.source_out
    available = TimeRange(rational(0, clip.rate), rational(max(length, clip.source_out), clip.rate))
    ref = otio.schema.ExternalReference(target_url=file_url(clip.path), available_range=available)
    ref.name = Path(clip.path).name
    return ref


def otio_clip(
    clip: TimelineClip, item: MediaItem | None, timeline_rate: Fraction
) -> otio.schema.Clip:
    """One clip, counted in its media's rate and lasting its timeline frames."""
    frames: Fraction = Fraction(clip.source_frames)
    if clip.rate != timeline_rate:
        frames = clip.record_frames(timeline_rate) * clip.rate / timeline_rate
    source = TimeRange(rational(clip.source_in, clip.rate), rational(frames, clip.rate))
    result = otio.schema.Clip(
        name=clip.name,
        media_reference=media_reference(clip, item),
        source_range=source,
        metadata={NAMESPACE: clip_metadata(item, clip.rate)},
    )
    text = marker_text(item)
    if text is not None:
        result.markers.append(
            otio.schema.Marker(
                name=text,
                marked_range=TimeRange(rational(clip.source_in, clip.rate), rational(0, clip.rate)),
                color=MARKER_COLOR,
                comment=item.provenance.prompt if item and item.provenance else "",
            )
        )
    return result


def otio_timeline(timeline: Timeline, items: Mapping[int, MediaItem]) -> otio.schema.Timeline:
    """The timeline as OTIO: its tracks in order, gaps where nothing plays."""
    rate = timeline.rate
    result = otio.schema.Timeline(
        name=timeline.name,
        global_start_time=rational(0, rate),
        metadata={NAMESPACE: {"version": VERSION, "rate": rate_text(rate)}},
    )
    for track in timeline.tracks:
        out = otio.schema.Track(name=track.name, kind=_KINDS[track.kind])
        position = 0
        for clip in track.clips:
            if clip.record_start > position:
                gap = TimeRange(rational(0, rate), rational(clip.record_start - position, rate))
                out.append(otio.schema.Gap(source_range=gap))
            item = items.get(clip.media_id) if clip.media_id is not None else None
            out.append(otio_clip(clip, item, rate))
            position = clip.record_end(rate)
        result.tracks.append(out)
    return result


def otio_bin(
    name: str, clips: Sequence[TimelineClip], items: Mapping[int, MediaItem]
) -> otio.schema.SerializableCollection:
    """Clips without a timeline: a bin (an FCPXML event's clips, an `.otio` collection)."""
    children = [
        otio_clip(c, items.get(c.media_id) if c.media_id is not None else None, c.rate)
        for c in clips
    ]
    return otio.schema.SerializableCollection(
        name=name, children=children, metadata={NAMESPACE: {"version": VERSION}}
    )
