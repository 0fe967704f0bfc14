"""Placing and moving clips: where aimed, snapped to edges near by, never overlapping."""

from __future__ import annotations

from fractions import Fraction

from qcut_ai.core.timeline import Timeline, TimelineClip
from qcut_ai.core.timeline_edit import clip_from_payload, edges, free_start, move, place, snap

RATE = Fraction(24)


def _clip(name: str, seconds: int) -> TimelineClip:
    return TimelineClip(
        path=f"/m/{name}.mp4", name=name, rate=RATE, source_in=0, source_out=seconds * 24
    )


def _two_clips() -> Timeline:
    t = place(Timeline.empty(video=2), 0, _clip("a", 4), 0)  # 0-96
    return place(t, 0, _clip("b", 4), 240)  # 240-336


def test_a_clip_lands_where_aimed() -> None:
    t = place(Timeline.empty(video=2), 1, _clip("a", 4), 12 * 24)
    assert t.tracks[1].clips[0].record_start == 288


def test_an_overlapping_drop_moves_to_the_nearest_free_place() -> None:
    t = _two_clips()
    assert free_start(t, 0, 80, 96) == 96  # would overlap a: right after it
    assert free_start(t, 0, 230, 96) == 144  # would overlap b: just before it
    assert free_start(t, 0, 120, 96) == 120  # fits in the gap as aimed
    assert free_start(t, 0, 100, 200) == 336  # too long for the gap: after b


def test_snapping_takes_the_start_or_the_end_to_a_near_edge() -> None:
    t = _two_clips()
    assert edges(t) == [0, 96, 240, 336]
    assert snap(100, 48, edges(t), 8) == 96  # start onto a's end
    assert snap(190, 48, edges(t), 8) == 192  # end onto b's start
    assert snap(160, 48, edges(t), 8) == 160  # nothing near: as aimed


def test_moving_a_clip_between_tracks() -> None:
    t = _two_clips()
    b = t.tracks[0].clips[1]
    moved = move(t, 0, b, 1, 24)
    assert [c.name for c in moved.tracks[0].clips] == ["a"]
    assert [(c.name, c.record_start) for c in moved.tracks[1].clips] == [("b", 24)]
    # Along its own track, onto its old place's neighbour: it does not collide with itself.
    again = move(t, 0, b, 0, 200)
    assert [c.record_start for c in again.tracks[0].clips] == [0, 200]


def test_payload_items_become_clips_at_their_own_rate() -> None:
    clip = clip_from_payload(
        {
            "id": 3,
            "display_name": "Surf",
            "path": "/m/s.mp4",
            "kind": "video",
            "duration": 2.002,
            "fps": 29.97,
        },
        RATE,
    )
    assert clip is not None
    assert (clip.media_id, clip.rate, clip.source_out) == (3, Fraction(30000, 1001), 60)
    still = clip_from_payload({"id": 4, "name": "s", "path": "/s.png", "kind": "image"}, RATE)
    assert still is not None and still.source_out == 5 * 24
    assert clip_from_payload({"id": 5, "path": "/x.mp4", "kind": "video"}, RATE) is None
