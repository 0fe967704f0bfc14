"""Kdenlive (MLT XML) through the otio-kdenlive-adapter, kept from its side effects.

The adapter (0.0.3, pinned) is the last of its line: Kdenlive 25.04 and later
read `.otio` themselves, which keeps more, so that is the better file for a
current Kdenlive; this one is for older Kdenlive, Shotcut-era MLT and `melt`.
What it needs around it:

- it prints a deprecation banner on stdout, which would corrupt
  `qcut-ai export --json`; the banner is caught and dropped;
- it keeps marker categories in a module-level dict that grows with every
  export in the process; it is emptied before each write;
- it writes no clip markers, only timeline guides, so each clip's
  `Model: prompt` marker becomes a guide at the clip's first frame;
- its background ("black_track") has no length, so MLT gives it its default
  of 15000 frames and `melt` renders ten minutes whatever the timeline; and
  its profile is always 1920x1080. Both are set on the adapter's document
  (attributes only) to the timeline's length and its first video's size;
- it takes the project's rate from the timeline's duration, which
  OpenTimelineIO counts at the fastest rate on it (a 25 fps clip made a
  24 fps timeline 25 fps). MLT counts everything at the project's rate, so
  every range is rescaled to the timeline's rate first, and the profile
  gets the exact rate (30000/1001).
"""

from __future__ import annotations

import contextlib
import io
from fractions import Fraction
from typing import Any
from xml.etree import ElementTree

import opentimelineio as otio
from opentimelineio.opentime import RationalTime, TimeRange

from qcut_ai.core.errors import InterchangeError
from qcut_ai.interchange.metadata import NAMESPACE, timeline_rate_of

_ADAPTER_MODULE = "otio_kdenlive_adapter.adapters.kdenlive"


def _clear_categories() -> None:
    import importlib

    module = importlib.import_module(_ADAPTER_MODULE)
    module.marker_categories.clear()


def _guides_from_markers(timeline: otio.schema.Timeline) -> None:
    rate = timeline.global_start_time.rate if timeline.global_start_time else None
    seen: set[tuple[int, str]] = set()
    for track in timeline.tracks:
        for index, item in enumerate(track):
            if not isinstance(item, otio.schema.Clip):
                continue
            start = track.range_of_child_at_index(index).start_time
            if rate:
                start = start.rescaled_to(rate)
            for marker in item.markers:
                # A clip on V1 and its sound on A1 share one guide.
                key = (round(start.value), marker.name)
                if key in seen:
                    continue
                seen.add(key)
                zero = RationalTime(0, start.rate)
                timeline.tracks.markers.append(
                    otio.schema.Marker(
                        name=marker.name, marked_range=TimeRange(start, zero), color=marker.color
                    )
                )


def _at_timeline_rate(timeline: otio.schema.Timeline) -> None:
    rate = float(timeline_rate_of(timeline))

    def rescaled(span: TimeRange) -> TimeRange:
        return TimeRange(span.start_time.rescaled_to(rate), span.duration.rescaled_to(rate))

    for clip in timeline.find_clips():
        clip.source_range = rescaled(clip.source_range)
        ref = clip.media_reference
        if ref.available_range is not None:
            ref.available_range = rescaled(ref.available_range)


def write_kdenlive(timeline: otio.schema.Timeline) -> str:
    """A Kdenlive project of `timeline` (one timeline; Kdenlive has no bin-only file)."""
    if not isinstance(timeline, otio.schema.Timeline):
        raise InterchangeError("A Kdenlive project holds a timeline, not a bin of clips.")
    copy = timeline.deepcopy()
    _at_timeline_rate(copy)
    _guides_from_markers(copy)
    _clear_categories()
    with contextlib.redirect_stdout(io.StringIO()):
        text = otio.adapters.write_to_string(copy, adapter_name="kdenlive")
    return _fitted(str(text), copy)


def _first_video_size(timeline: otio.schema.Timeline) -> tuple[int, int] | None:
    for clip in timeline.find_clips():
        probe: Any = clip.metadata.get(NAMESPACE, {}).get("probe") or {}
        if probe.get("width") and probe.get("height"):
            return int(probe["width"]), int(probe["height"])
    return None


def _fitted(text: str, timeline: otio.schema.Timeline) -> str:
    """The adapter's document with the background's length and the profile's size set."""
    root = ElementTree.fromstring(text)
    rate = timeline_rate_of(timeline)
    frames = max(1, round(timeline.duration().rescaled_to(float(rate)).value))
    for producer in root.iter("producer"):
        if producer.get("id") == "black_track":
            producer.set("in", "0")
            producer.set("out", str(frames - 1))
            length = ElementTree.SubElement(producer, "property", {"name": "length"})
            length.text = str(frames)
    size = _first_video_size(timeline)
    profile = root.find("profile")
    if profile is not None:
        profile.set("frame_rate_num", str(rate.numerator))
        profile.set("frame_rate_den", str(rate.denominator))
    if size is not None and profile is not None:
        width, height = size
        aspect = Fraction(width, height)
        profile.set("width", str(width))
        profile.set("height", str(height))
        profile.set("display_aspect_num", str(aspect.numerator))
        profile.set("display_aspect_den", str(aspect.denominator))
        profile.set("description", f"{width}x{height} {float(rate):.3f} fps")
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'
