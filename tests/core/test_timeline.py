"""The timeline value: exact rates, In/Out marks, placement, and what does not fit."""

from __future__ import annotations

from fractions import Fraction

import pytest

from qcut_ai.core.errors import TimelineError
from qcut_ai.core.frame_rate import frame_rate, is_conformed, rate_label
from qcut_ai.core.media import MediaItem, MediaKind, Origin, ProbeInfo
from qcut_ai.core.timeline import InOut, Timeline, TimelineClip, TrackKind

NTSC = Fraction(30000, 1001)


def _video(media_id: int, fps: float, seconds: float, name: str = "") -> MediaItem:
    return MediaItem(
        id=media_id,
        name=name or f"clip{media_id}.mp4",
        path=f"/media/clip{media_id}.mp4",
        kind=MediaKind.VIDEO,
        origin=Origin.IMPORTED,
        created_at="2026-01-01T00:00:00Z",
        probe=ProbeInfo(kind=MediaKind.VIDEO, duration=seconds, fps=fps),
    )


@pytest.mark.parametrize(
    ("fps", "exact"),
    [
        (23.976, Fraction(24000, 1001)),
        (24.0, Fraction(24)),
        (25.0, Fraction(25)),
        (29.97, NTSC),
        (30.0, Fraction(30)),
        (59.94, Fraction(60000, 1001)),
        (60.0, Fraction(60)),
        (16.0, Fraction(16)),  # a model's own rate stays its own
        (29.6, NTSC),  # a phone's variable rate: the nearest standard rate
        (24.01, Fraction(24)),  # a constant rate measured with a little jitter
    ],
)
def test_a_probed_rate_becomes_the_exact_rate_editors_count_in(fps: float, exact: Fraction) -> None:
    assert frame_rate(fps) == exact
    assert is_conformed(fps, exact) == (fps == 29.6)


def test_rates_read_as_people_write_them() -> None:
    assert [rate_label(r) for r in (Fraction(24000, 1001), NTSC, Fraction(25))] == [
        "23.976",
        "29.97",
        "25",
    ]


def test_a_mark_becomes_frames_at_the_medias_own_rate() -> None:
    clip = TimelineClip.from_item(_video(1, 29.97, 10.0), mark=InOut(1.0, 2.5))
    assert clip.rate == NTSC
    assert (clip.source_in, clip.source_out) == (30, 75)  # 1.0 s and 2.5 s at 29.97


@pytest.mark.parametrize(
    ("mark", "words"), [(InOut(2.0, 1.0), "not before its Out"), (InOut(0, 11), "past its end")]
)
def test_a_mark_that_does_not_fit_says_so(mark: InOut, words: str) -> None:
    with pytest.raises(TimelineError, match=words):
        TimelineClip.from_item(_video(1, 24, 10.0, name="Harbour"), mark=mark)


def test_clips_append_one_after_another_and_a_foreign_rate_is_conformed() -> None:
    timeline = Timeline.empty("Cut", Fraction(24))
    timeline = timeline.with_clip(0, TimelineClip.from_item(_video(1, 24, 4.0)))
    ntsc = TimelineClip.from_item(_video(2, 29.97, 2.002))
    timeline = timeline.with_clip(0, ntsc)
    first, second = timeline.tracks[0].clips
    assert second.record_start == first.record_end(timeline.rate) == 96
    assert second.source_frames == 60 and second.record_frames(timeline.rate) == 48
    assert timeline.duration_frames == 144 and timeline.duration_seconds == 6
    assert timeline.media_ids() == [1, 2]


def test_overlapping_clips_on_one_track_are_refused() -> None:
    timeline = Timeline.empty("Cut", Fraction(25), video=1, audio=1)
    timeline = timeline.with_clip(0, TimelineClip.from_item(_video(1, 25, 4.0, name="A")))
    late = TimelineClip.from_item(_video(2, 25, 4.0, name="B"), record_start=50)
    with pytest.raises(TimelineError, match="“A” and “B” overlap on track V1"):
        timeline.with_clip(0, late, append=False)
    # On another track the same place is fine.
    both = timeline.with_clip(1, late, append=False)
    assert [t.kind for t in both.tracks] == [TrackKind.VIDEO, TrackKind.AUDIO]


def test_values_compare_equal_and_keep_time_order() -> None:
    a = TimelineClip.from_item(_video(1, 24, 1.0), record_start=48)
    b = TimelineClip.from_item(_video(2, 24, 1.0), record_start=0)
    one = Timeline.empty().with_clip(0, a, append=False).with_clip(0, b, append=False)
    two = Timeline.empty().with_clip(0, b, append=False).with_clip(0, a, append=False)
    assert one == two and one.tracks[0].clips == (b, a)
