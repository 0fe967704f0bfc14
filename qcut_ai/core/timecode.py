"""SMPTE timecode, HH:MM:SS:FF, counted at the media's own frame rate.

29.97 and 59.94 are written in drop-frame (HH:MM:SS;FF): frame numbers 0 and 1
(0-3 at 59.94) are skipped at the start of every minute except each tenth, so
the clock on the wall and the timecode agree. Every other rate counts frames
straight through.
"""

from __future__ import annotations

from fractions import Fraction

from qcut_ai.core.frame_rate import DEFAULT_RATE, frame_rate, frames_in, is_drop_frame


def _drop_frame_number(frames: int, nominal: int) -> int:
    """Frame count → the number the drop-frame clock shows (which skips some)."""
    dropped = 2 * nominal // 30  # 2 at 29.97, 4 at 59.94
    per_ten_minutes = nominal * 600 - dropped * 9
    per_minute = nominal * 60 - dropped
    tens, rest = divmod(frames, per_ten_minutes)
    skipped = dropped * 9 * tens
    if rest > dropped:
        skipped += dropped * ((rest - dropped) // per_minute)
    return frames + skipped


def frame_timecode(frames: int, rate: Fraction) -> str:
    """`frames` from zero as timecode at `rate`."""
    frames = max(0, frames)
    nominal = round(rate)
    drop = is_drop_frame(rate)
    number = _drop_frame_number(frames, nominal) if drop else frames
    ff = number % nominal
    seconds = number // nominal
    hh, rest = divmod(seconds, 3600)
    mm, ss = divmod(rest, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}{';' if drop else ':'}{ff:02d}"


def timecode(seconds: float, fps: float | None) -> str:
    """`seconds` into a clip whose probed rate is `fps` (unknown: 24) as timecode."""
    rate = frame_rate(fps) or DEFAULT_RATE
    return frame_timecode(frames_in(Fraction(max(0.0, seconds)), rate), rate)
