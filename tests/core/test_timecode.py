"""Timecode as editors read it, at the clip's own rate, drop-frame where it must be."""

from __future__ import annotations

from fractions import Fraction

import pytest

from qcut_ai.core.timecode import frame_timecode, timecode

NTSC = Fraction(30000, 1001)


@pytest.mark.parametrize(
    ("seconds", "fps", "expected"),
    [
        (0.0, 25.0, "00:00:00:00"),
        (1.04, 25.0, "00:00:01:01"),
        (61.5, 24.0, "00:01:01:12"),
        (3600 + 0.5, 30.0, "01:00:00:15"),
        (2.1, 23.976, "00:00:02:02"),  # 50.35 frames, counted in 24s, no drop
        (0.999, None, "00:00:01:00"),  # unknown rate counts at 24
    ],
)
def test_timecode_at_the_clips_rate(seconds: float, fps: float | None, expected: str) -> None:
    assert timecode(seconds, fps) == expected


def test_drop_frame_skips_two_numbers_each_minute_but_the_tenth() -> None:
    assert frame_timecode(1799, NTSC) == "00:00:59;29"
    assert frame_timecode(1800, NTSC) == "00:01:00;02"  # ;00 and ;01 do not exist
    assert frame_timecode(17982, NTSC) == "00:10:00;00"  # the tenth minute keeps them
    assert frame_timecode(17982 * 6, NTSC) == "01:00:00;00"  # an hour of wall clock


def test_59_94_drops_four() -> None:
    assert frame_timecode(3600, Fraction(60000, 1001)) == "00:01:00;04"


def test_negative_time_is_the_start() -> None:
    assert timecode(-1.0, 25.0) == "00:00:00:00"
