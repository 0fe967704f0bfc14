"""Read the video track's display rotation from an MP4/MOV header without decoding.

FFmpeg keeps the track header's display matrix as stream side data, which
PyAV does not expose; the other way to learn it is to decode a frame (~40 ms
for 1080p H.264). Reading the `tkhd` box takes a few small reads, wherever
the `moov` box sits in the file.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path
from typing import BinaryIO

_CONTAINERS = {b"moov", b"trak", b"mdia"}
_MAX_BOXES = 10_000  # a bound on a damaged file's box walk


def display_rotation(path: Path) -> int | None:
    """Clockwise rotation (0/90/180/270) of the first video track, None if unknown.

    None means "decode a frame to find out": not an MP4/MOV, no video track,
    a matrix that is not a quarter turn, or a header that cannot be read.
    """
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            moov = _find(fh, 0, size, b"moov")
            if moov is None:
                return None
            for start, end in _children(fh, moov[0], moov[1], b"trak"):
                if _is_video(fh, start, end):
                    tkhd = _find(fh, start, end, b"tkhd")
                    return _rotation(fh, tkhd) if tkhd is not None else None
    except (OSError, struct.error, ValueError):
        return None
    return None


def _boxes(fh: BinaryIO, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, payload start, box end) of each box between start and end."""
    found: list[tuple[bytes, int, int]] = []
    at = start
    while at + 8 <= end and len(found) < _MAX_BOXES:
        fh.seek(at)
        head = fh.read(8)
        if len(head) < 8:
            break
        size, kind = struct.unpack(">I4s", head)
        payload = at + 8
        if size == 1:
            size = struct.unpack(">Q", fh.read(8))[0]
            payload += 8
        elif size == 0:
            size = end - at  # runs to the end of its parent
        if size < payload - at or at + size > end:
            raise ValueError("damaged box")
        found.append((kind, payload, at + size))
        at += size
    return found


def _children(fh: BinaryIO, start: int, end: int, kind: bytes) -> list[tuple[int, int]]:
    return [(s, e) for k, s, e in _boxes(fh, start, end) if k == kind]


def _find(fh: BinaryIO, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    """The first box of `kind` below start..end, looking inside moov/trak/mdia."""
    for k, s, e in _boxes(fh, start, end):
        if k == kind:
            return s, e
        if k in _CONTAINERS:
            inner = _find(fh, s, e, kind)
            if inner is not None:
                return inner
    return None


def _is_video(fh: BinaryIO, start: int, end: int) -> bool:
    hdlr = _find(fh, start, end, b"hdlr")
    if hdlr is None:
        return False
    fh.seek(hdlr[0] + 8)  # version+flags, pre_defined
    return fh.read(4) == b"vide"


def _rotation(fh: BinaryIO, tkhd: tuple[int, int]) -> int | None:
    fh.seek(tkhd[0])
    version = fh.read(1)[0]
    # version 1 has 64-bit times and duration: the matrix sits 12 bytes later.
    fh.seek(tkhd[0] + (52 if version == 1 else 40))
    a, b, _u, c, d = struct.unpack(">5i", fh.read(20))
    if math.hypot(a, b) == 0 or math.hypot(c, d) == 0:
        return None
    # Same convention as FFmpeg's display matrix angle, then turned clockwise.
    angle = math.degrees(math.atan2(b, a))
    turns = round(angle / 90.0)
    if abs(angle - turns * 90) > 1:
        return None
    return (turns * 90) % 360
