"""Which library items to export, and the timeline a selection makes.

An `ItemQuery` names items the way a person picked them: by ids (a selection
in the library view, `--ids 3,1,2`) or by bin (`--bin NAME`, in the order the
items were put in it). Export code only ever calls `query.items(repo)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from qcut_ai.core.errors import InterchangeError, LibraryError
from qcut_ai.core.frame_rate import DEFAULT_RATE
from qcut_ai.core.media import MediaItem, MediaKind
from qcut_ai.core.timeline import InOut, Timeline, TimelineClip, media_rate
from qcut_ai.library.bins import bin_items
from qcut_ai.library.repository import MediaRepository


class ItemQuery(Protocol):
    """A way to name library items, in the order they are to be exported."""

    def describe(self) -> str:
        """A few words for file and timeline names: "Selection", "Bin Hero shots"."""
        ...

    def items(self, repo: MediaRepository) -> list[MediaItem]: ...


@dataclass(frozen=True)
class ByIds:
    """The items with these ids, in this order."""

    ids: tuple[int, ...]

    def describe(self) -> str:
        return "Selection"

    def items(self, repo: MediaRepository) -> list[MediaItem]:
        if not self.ids:
            raise InterchangeError("No media items were chosen to export.")
        found = repo.get_many(self.ids)
        known = {i.id for i in found}
        unknown = [str(i) for i in self.ids if i not in known]
        if unknown:
            raise InterchangeError(
                f"There is no media item {', '.join(unknown)} in this library.",
                hint="List the items with qcut-ai library list.",
            )
        return found


@dataclass(frozen=True)
class InBin:
    """The items of a library bin, in the bin's order."""

    name: str

    def describe(self) -> str:
        return f"Bin {self.name}"

    def items(self, repo: MediaRepository) -> list[MediaItem]:
        try:
            items = bin_items(repo, self.name)
        except LibraryError as exc:
            raise InterchangeError(
                exc.message, hint="List the bins with qcut-ai library bins."
            ) from None
        if not items:
            raise InterchangeError(
                f"The bin “{self.name}” is empty: move clips into it first.",
                hint="qcut-ai library move ID… --bin NAME, or drag them onto the bin.",
            )
        return items


def timeline_rate(items: Sequence[MediaItem]) -> Fraction:
    """A selection's timeline runs at its first video's rate, as editors set a new sequence."""
    for item in items:
        if item.kind is MediaKind.VIDEO and item.probe.fps:
            return media_rate(item)
    return DEFAULT_RATE


def string_out(
    name: str,
    items: Sequence[MediaItem],
    marks: Mapping[int, InOut] | None = None,
    *,
    rate: Fraction | None = None,
) -> Timeline:
    """The items one after another in the order given, each from its In to its Out mark.

    Pictures go on V1; the sound of a clip with sound goes on A1 under it, and a
    sound file on A1 alone (with nothing on V1 meanwhile).
    """
    rate = rate or timeline_rate(items)
    marks = marks or {}
    has_audio = any(i.kind is MediaKind.AUDIO or i.probe.has_audio for i in items)
    timeline = Timeline.empty(name, rate, video=1, audio=1 if has_audio else 0)
    position = 0
    for item in items:
        clip = TimelineClip.from_item(
            item, mark=marks.get(item.id), record_start=position, rate=rate
        )
        if item.kind is not MediaKind.AUDIO:
            timeline = timeline.with_clip(0, clip, append=False)
        if item.kind is MediaKind.AUDIO or item.probe.has_audio:
            timeline = timeline.with_clip(1, clip, append=False)
        position = clip.record_end(rate)
    return timeline


def bin_clips(
    items: Sequence[MediaItem], marks: Mapping[int, InOut] | None = None
) -> list[TimelineClip]:
    """Each item as a clip of its own (a bin has no timeline to place them on)."""
    marks = marks or {}
    rate = timeline_rate(items)
    return [TimelineClip.from_item(i, mark=marks.get(i.id), rate=rate) for i in items]
