"""Frame rates as editors count them: exact fractions, chosen from a probe's average rate.

A probe reports the average rate of a stream as a float (23.976, 29.97, 24.0,
or 29.6 for a phone's variable-rate clip). Editors need the exact rate the
media is counted in: 24000/1001, not 23.976, or timecodes drift by a frame
every 42 seconds. The rules:

- an average within 0.05% of a whole number is that number (24, 25, 30, 16…);
- one within 0.05% of N×1000/1001 is that NTSC rate (23.976, 29.97, 59.94…);
- anything else (a variable-rate clip's average, a stray rate) is conformed to
  the nearest standard editing rate, which is what editors do with such media
  on import; its duration in seconds is kept, so its length in frames is the
  duration times the new rate, rounded to the nearest frame.

0.05% is half the gap between 30 and 29.97, so the two never meet.
"""

from __future__ import annotations

from fractions import Fraction

_TOLERANCE = 0.0005
_NTSC = Fraction(1000, 1001)

_WHOLE = (12, 15, 24, 25, 30, 48, 50, 60, 100, 120)
_NTSC_BASES = (24, 30, 48, 60, 120)
STANDARD_RATES: tuple[Fraction, ...] = tuple(
    sorted([*(Fraction(n) for n in _WHOLE), *(n * _NTSC for n in _NTSC_BASES)])
)

DEFAULT_RATE = Fraction(24)


def _near(fps: float, rate: Fraction) -> bool:
    return abs(fps - float(rate)) <= float(rate) * _TOLERANCE


def frame_rate(fps: float | None) -> Fraction | None:
    """The exact rate media with this average `fps` is counted in; None when there is none."""
    if fps is None or fps <= 0:
        return None
    whole = Fraction(round(fps))
    if whole > 0 and _near(fps, whole):
        return whole
    ntsc = Fraction(round(fps / float(_NTSC))) * _NTSC
    if ntsc > 0 and _near(fps, ntsc):
        return ntsc
    return min(STANDARD_RATES, key=lambda rate: abs(float(rate) - fps))


def is_conformed(fps: float | None, rate: Fraction) -> bool:
    """True when `rate` is not what the media really runs at (variable or stray rate)."""
    return fps is not None and fps > 0 and not _near(fps, rate)


def rate_label(rate: Fraction) -> str:
    """23.976, 29.97, 24: how people write a rate."""
    if rate.denominator == 1:
        return str(rate.numerator)
    return f"{float(rate):.3f}".rstrip("0").rstrip(".")


def frames_in(seconds: float | Fraction, rate: Fraction) -> int:
    """Whole frames in `seconds` at `rate`, to the nearest frame."""
    return round(Fraction(seconds) * rate)


def seconds_of(frames: int | Fraction, rate: Fraction) -> Fraction:
    """The exact length of `frames` at `rate`, in seconds."""
    return Fraction(frames) / rate


def is_drop_frame(rate: Fraction) -> bool:
    """29.97 and 59.94 are counted in drop-frame timecode, as broadcast and editors do."""
    return rate in (Fraction(30) * _NTSC, Fraction(60) * _NTSC)
