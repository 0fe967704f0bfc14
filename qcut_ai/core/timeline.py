"""What a timeline is, as a value: tracks of clips placed at whole frames.

The demo timeline shows one, `qcut-ai export` writes one to editors' files,
and importing an `.otio` file gives one back. Everything here is a frozen
dataclass holding tuples, so a view can keep a timeline, compare it with the
last one and replace it; changing one makes a new value (`with_clip`).

Units, chosen so that nothing is ever rounded to seconds:

- a clip's `source_in`/`source_out` are frames at the media's own `rate`
  (`source_out` exclusive, like a Python slice);
- its `record_start` is frames at the timeline's `rate`;
- a clip at another rate than the timeline's keeps its length in seconds,
  conformed to whole timeline frames (a 2.002 s clip at 29.97 lasts 48 frames
  on a 24 fps timeline), which is what editors do with mixed-rate media.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING

from qcut_ai.core.errors import TimelineError
from qcut_ai.core.frame_rate import DEFAULT_RATE, frame_rate, frames_in, seconds_of
from qcut_ai.core.media_kinds import MediaKind

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem

STILL_SECONDS = 5.0  # how long a still image lasts on a timeline unless marked otherwise


class TrackKind(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"


@dataclass(frozen=True)
class InOut:
    """An In/Out mark on a library item: seconds from the media's start (Out None: the end)."""

    in_s: float = 0.0
    out_s: float | None = None


@dataclass(frozen=True)
class TimelineClip:
    """One use of a media file on a track.

    `media_id` is the library item the file belongs to, or None for a file the
    library does not know (an imported timeline can hold such clips).
    """

    path: str
    name: str
    rate: Fraction
    source_in: int
    source_out: int
    record_start: int = 0
    media_id: int | None = None

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise TimelineError(f"Clip “{self.name}” has no frame rate.")
        if self.source_in < 0 or self.source_out <= self.source_in:
            raise TimelineError(
                f"Clip “{self.name}” ends (frame {self.source_out}) before it starts "
                f"(frame {self.source_in})."
            )
        if self.record_start < 0:
            raise TimelineError(f"Clip “{self.name}” is placed before the timeline's start.")

    @property
    def source_frames(self) -> int:
        return self.source_out - self.source_in

    @property
    def source_seconds(self) -> Fraction:
        return seconds_of(self.source_frames, self.rate)

    def record_frames(self, timeline_rate: Fraction) -> int:
        """How many timeline frames the clip covers (its own length when the rates agree)."""
        if self.rate == timeline_rate:
            return self.source_frames
        return max(1, frames_in(self.source_seconds, timeline_rate))

    def record_end(self, timeline_rate: Fraction) -> int:
        """The first timeline frame after the clip."""
        return self.record_start + self.record_frames(timeline_rate)

    def at(self, record_start: int) -> TimelineClip:
        """The same clip placed at another timeline frame."""
        return dataclasses.replace(self, record_start=record_start)

    @classmethod
    def from_item(
        cls,
        item: MediaItem,
        *,
        mark: InOut | None = None,
        record_start: int = 0,
        rate: Fraction = DEFAULT_RATE,
    ) -> TimelineClip:
        """A clip of a library item, its In/Out from `mark` (or the whole media).

        Video is counted at its own rate; a still image or a sound has none,
        so it is counted at `rate` (the timeline's).
        """
        own = media_rate(item, rate)
        length = media_frames(item, own)
        first, end = 0, length
        name = item.display_name
        if mark is not None:
            first = frames_in(mark.in_s, own)
            if mark.out_s is not None:
                end = frames_in(mark.out_s, own)
            seconds = float(seconds_of(length, own))
            if item.kind is not MediaKind.IMAGE and end > length:
                raise TimelineError(
                    f"The Out mark of “{name}” ({float(seconds_of(end, own)):.3f} s) is past "
                    f"its end ({seconds:.3f} s)."
                )
            if first < 0 or end <= first:
                raise TimelineError(f"The In mark of “{name}” is not before its Out mark.")
        return cls(
            path=item.path,
            name=name,
            rate=own,
            source_in=first,
            source_out=end,
            record_start=record_start,
            media_id=item.id,
        )


def media_rate(item: MediaItem, fallback: Fraction = DEFAULT_RATE) -> Fraction:
    """The rate an item is counted in: a video's own, else `fallback`."""
    if item.kind is MediaKind.VIDEO:
        return frame_rate(item.probe.fps) or fallback
    return fallback


def media_frames(item: MediaItem, rate: Fraction) -> int:
    """The item's whole length in frames at `rate` (a still image: `STILL_SECONDS`)."""
    duration = item.probe.duration
    if item.kind is MediaKind.IMAGE or not duration:
        if item.kind is not MediaKind.IMAGE:
            raise TimelineError(
                f"“{item.display_name}” has no known length, so it cannot be placed on a timeline.",
                hint=f"Check the file: qcut-ai library info {item.id}.",
            )
        return frames_in(STILL_SECONDS, rate)
    return max(1, frames_in(duration, rate))


@dataclass(frozen=True)
class Track:
    """One row of clips of one kind; the clips never overlap and are kept in time order."""

    kind: TrackKind
    name: str
    clips: tuple[TimelineClip, ...] = ()

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.clips, key=lambda c: c.record_start))
        object.__setattr__(self, "clips", ordered)


@dataclass(frozen=True)
class Timeline:
    """Named tracks of clips at one frame rate (video tracks first, like editors list them)."""

    name: str
    rate: Fraction
    tracks: tuple[Track, ...]

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise TimelineError(f"The timeline “{self.name}” has no frame rate.")
        for track in self.tracks:
            for before, after in zip(track.clips, track.clips[1:], strict=False):
                if after.record_start < before.record_end(self.rate):
                    raise TimelineError(
                        f"“{before.name}” and “{after.name}” overlap on track {track.name}: "
                        "a track plays one clip at a time."
                    )

    @classmethod
    def empty(
        cls,
        name: str = "Timeline",
        rate: Fraction = DEFAULT_RATE,
        *,
        video: int = 1,
        audio: int = 0,
    ) -> Timeline:
        """A timeline with `video` tracks V1… and `audio` tracks A1…, all empty."""
        tracks = [Track(TrackKind.VIDEO, f"V{i + 1}") for i in range(video)]
        tracks += [Track(TrackKind.AUDIO, f"A{i + 1}") for i in range(audio)]
        return cls(name, rate, tuple(tracks))

    def track_end(self, index: int) -> int:
        """The first free frame after the last clip of track `index`."""
        clips = self.tracks[index].clips
        return clips[-1].record_end(self.rate) if clips else 0

    @property
    def duration_frames(self) -> int:
        return max((self.track_end(i) for i in range(len(self.tracks))), default=0)

    @property
    def duration_seconds(self) -> Fraction:
        return seconds_of(self.duration_frames, self.rate)

    def with_clip(self, index: int, clip: TimelineClip, *, append: bool = True) -> Timeline:
        """A new timeline with `clip` on track `index`: after its last clip, or where it says."""
        placed = clip.at(self.track_end(index)) if append else clip
        track = self.tracks[index]
        tracks = list(self.tracks)
        tracks[index] = dataclasses.replace(track, clips=(*track.clips, placed))
        return dataclasses.replace(self, tracks=tuple(tracks))

    def clips(self) -> Iterator[tuple[Track, TimelineClip]]:
        """Every clip with its track, track by track."""
        for track in self.tracks:
            for clip in track.clips:
                yield track, clip

    def media_ids(self) -> list[int]:
        """The library items the timeline uses, each once, in the order they first appear."""
        return list(dict.fromkeys(c.media_id for _, c in self.clips() if c.media_id is not None))
