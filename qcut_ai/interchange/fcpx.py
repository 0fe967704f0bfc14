"""FCPXML (Final Cut Pro) through the otio-fcpx-xml-adapter, with its 1.0.0 faults fixed.

The adapter's own writer class does the work; this subclass changes only
what breaks on our clips (pinned version, checked by the adapter canary test):

- it finds assets and clips with XPath predicates built from names, so a
  name or path with an apostrophe ("a dog's nap", the usual prompt) raised
  SyntaxError; lookups here compare attributes instead;
- it runs `ffprobe` (unbounded in time, and often not installed) to name each
  format; the library already probed the file, so the name and the width and
  height come from the clip's `qcut_ai` metadata;
- its frame-duration table misses 23.976 and 59.94 and keys 29.97 by a float
  that 30000/1001 never equals, leaving `frameDuration=""`; here every exact
  rate gets its exact frame duration (1001/30000s).

- a clip on another track is connected to the primary storyline item above
  it, and one with nothing above it (a sound after the last picture) made
  the writer fail; the storyline is padded with a gap to the timeline's end.

Each clip's asset-clip in the browser also gets a note (model, seed, request,
prompt) and the keywords "qcut-ai" and the model's name.
"""

from __future__ import annotations

from typing import Any

import opentimelineio as otio
from opentimelineio.opentime import RationalTime, TimeRange
from otio_fcpx_xml_adapter import fcpx_xml

from qcut_ai.core.frame_rate import frame_rate
from qcut_ai.interchange.metadata import NAMESPACE

_STANDARD_SIZES = {(1920, 1080): "1080", (1280, 720): "720", (3840, 2160): "2160"}


def format_name(width: int, height: int, rate: float) -> str:
    """Final Cut's format name: FFVideoFormat1080p2398, FFVideoFormat320x180p24."""
    size = _STANDARD_SIZES.get((width, height), f"{width}x{height}")
    fps = f"{rate:.2f}".rstrip("0").rstrip(".").replace(".", "")
    return f"FFVideoFormat{size}p{fps}"


def _probe_of(item: Any) -> dict[str, Any]:
    if not isinstance(item, otio.schema.Clip):
        return {}
    probe = item.metadata.get(NAMESPACE, {}).get("probe", {})
    return dict(probe) if probe else {}


class _FcpxWriter(fcpx_xml.FcpxOtio):
    def _asset_by_path(self, path: str) -> Any:
        return next((a for a in self.resource_element.iter("asset") if a.get("src") == path), None)

    def _media_by_name(self, name: str) -> Any:
        return next((m for m in self.resource_element.iter("media") if m.get("name") == name), None)

    def _asset_clip_by_name(self, name: str) -> bool:
        # The caller only tests the answer for truth; an Element without
        # children is false, so an element would not do.
        return any(c.get("name") == name for c in self.event_resource.findall("./asset-clip"))

    @staticmethod
    def _framerate_to_frame_duration(framerate: float) -> str:
        rate = frame_rate(framerate)
        return f"{rate.denominator}/{rate.numerator}s" if rate else ""

    def _clip_format_name(self, clip: Any) -> str:
        probe = _probe_of(clip)
        if not probe.get("width") or not probe.get("height"):
            return ""
        return format_name(int(probe["width"]), int(probe["height"]), clip.duration().rate)

    def _find_or_create_format_from(self, clip: Any) -> Any:
        element = super()._find_or_create_format_from(clip)
        probe = _probe_of(clip)
        if element.get("width") is None and probe.get("width") and probe.get("height"):
            element.set("width", str(probe["width"]))
            element.set("height", str(probe["height"]))
        return element


def _annotate(clip: otio.schema.Clip) -> None:
    ours = clip.metadata.get(NAMESPACE, {})
    ref = clip.media_reference
    if not ours.get("model") or not isinstance(ref, otio.schema.ExternalReference):
        return
    parts = [ours.get("model_name") or ours["model"]]
    if ours.get("seed") is not None:
        parts.append(f"seed {ours['seed']}")
    parts.append(f"request {ours.get('request_id', '')}")
    note = ", ".join(parts) + (f": {ours['prompt']}" if ours.get("prompt") else "")
    length = fcpx_xml.from_rational_time(ref.available_range.duration)
    ref.metadata["fcpx"] = {
        "note": note,
        "keywords": [
            {"start": "0s", "duration": length, "value": f"qcut-ai, {parts[0]}"},
        ],
    }


def _storyline_to_the_end(timeline: otio.schema.Timeline) -> None:
    """Give every connected clip a storyline item above it (FCPXML needs one)."""
    total = timeline.duration()
    video = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
    if not video:
        video = [otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)]
        timeline.tracks.insert(0, video[0])
    spine = video[0]
    short = total - spine.duration()
    if short.value > 0:
        rate = timeline.global_start_time.rate if timeline.global_start_time else total.rate
        zero = RationalTime(0, rate)
        spine.append(otio.schema.Gap(source_range=TimeRange(zero, short.rescaled_to(rate))))


def write_fcpx(obj: otio.schema.Timeline | otio.schema.SerializableCollection) -> str:
    """FCPXML 1.8 for a timeline (a project) or a bin (clips in the browser)."""
    copy = obj.deepcopy()
    if isinstance(copy, otio.schema.Timeline):
        _storyline_to_the_end(copy)
    for clip in copy.find_clips():
        _annotate(clip)
    return str(_FcpxWriter(copy).to_xml())
