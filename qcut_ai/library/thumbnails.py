"""Poster frames, filmstrips and waveforms, cached on disk.

Plain functions meant to run in a worker thread. The cache file name is a
hash of (path, size, mtime, frame time, width, variant), so an edited or
replaced file gets a fresh thumbnail and a deleted cache file is rebuilt.
The poster is the keyframe nearest 40 % of the clip (up to 70 %), as a player's
fast seek shows it: one decoded frame, ~40 ms for 1080p. Decoding forward to
the exact frame at 40 % costs 4-16x more in a long-GOP clip, whose only
keyframe is often the first frame; it is done only when that keyframe shows
nothing (a fade from black).
"""

from __future__ import annotations

import bisect
import hashlib
import os
import threading
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcut_ai.core.errors import MediaError
from qcut_ai.core.media import STRIP_FRAME_WIDTH, MediaKind, ProbeInfo

if TYPE_CHECKING:
    from PIL import Image

POSTER_WIDTH = 320
STRIP_FRAMES = 10
POSTER_POSITION = 0.4  # of the duration: past fade-ins, before endings
_POSTER_LATEST = 0.7  # a keyframe up to here is as good a poster as the exact frame
# A keyframe picture whose grey levels vary less than this shows nothing (a fade).
_BLANK_STDDEV = 6.0
_WAVE_HEIGHT = 90
_JPEG_QUALITY = 85


@dataclass(frozen=True)
class Thumbnails:
    """Where a file's thumbnails live in the cache (None when not applicable)."""

    poster: Path | None
    filmstrip: Path | None = None


def fingerprint(path: Path, variant: str, at: float, width: int) -> str:
    """A cache key that changes whenever the file is replaced or edited."""
    st = path.stat()
    raw = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{variant}|{at:.3f}|{width}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def make_thumbnails(
    path: Path, info: ProbeInfo, cache_dir: Path, *, with_filmstrip: bool = True
) -> Thumbnails:
    """The poster (and, for videos, the filmstrip), made only when not cached.

    `with_filmstrip=False` makes only the poster: a new result is shown as
    soon as its poster exists (~40 ms) and its filmstrip (ten exact frames,
    ~1 s for 1080p) follows.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    if info.kind == MediaKind.VIDEO:
        strip = filmstrip(path, info, cache_dir) if with_filmstrip else None
        return Thumbnails(poster_frame(path, info, cache_dir), strip)
    if info.kind == MediaKind.IMAGE:
        return Thumbnails(image_thumbnail(path, cache_dir))
    return Thumbnails(waveform(path, info, cache_dir))


def poster_frame(path: Path, info: ProbeInfo, cache_dir: Path) -> Path:
    at = (info.duration or 0.0) * POSTER_POSITION
    out = cache_dir / f"{fingerprint(path, 'poster', at, POSTER_WIDTH)}.jpg"
    if out.exists():
        return out
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            keys = _keyframe_times(container, stream)
            # No frame threads: with them the decoder holds back the first
            # picture until every thread has a frame queued, and one is all
            # a poster needs.
            target = _nearest_keyframe(keys, at, (info.duration or 0.0) * _POSTER_LATEST)
            pictures = _frames_at(container, stream, [target], keys, POSTER_WIDTH, info.rotation)
            if pictures and target < at - 1e-3 and _blank(pictures[0]):
                # A fade from black: decode forward to the exact time after all.
                pictures = _frames_at(container, stream, [at], keys, POSTER_WIDTH, info.rotation)
            if not pictures:
                raise MediaError(f"{path.name} has no picture at {at:.1f} s.")
            image = _upright(pictures[0], info.rotation)
    except av.FFmpegError as exc:
        raise MediaError(f"No thumbnail could be made for {path.name}: {exc}.") from exc
    _save_jpeg(image, out)
    return out


def filmstrip(path: Path, info: ProbeInfo, cache_dir: Path, frames: int = STRIP_FRAMES) -> Path:
    """`frames` evenly spaced frames, each 160 px wide, side by side in one JPEG.

    One forward decode that jumps ahead only when a keyframe lies between the
    current position and the next target: per-target seeks would land on the
    same keyframe again and again in long-GOP files (every strip frame alike).
    Non-reference frames are skipped, which decodes ~30 % faster.
    """
    out = cache_dir / f"{fingerprint(path, f'strip{frames}', 0.0, STRIP_FRAME_WIDTH)}.jpg"
    if out.exists():
        return out
    import av
    from PIL import Image

    duration = info.duration or 0.0
    times = [duration * (i + 0.5) / frames for i in range(frames)]
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            keys = _keyframe_times(container, stream)
            stream.thread_type = "AUTO"
            stream.codec_context.skip_frame = "NONREF"
            pictures = [
                _upright(picture, info.rotation)
                for picture in _frames_at(
                    container, stream, times, keys, STRIP_FRAME_WIDTH, info.rotation
                )
            ]
    except av.FFmpegError as exc:
        raise MediaError(f"No filmstrip could be made for {path.name}: {exc}.") from exc
    if not pictures:
        raise MediaError(f"No filmstrip could be made for {path.name}: no frame decoded.")
    height = pictures[0].height
    strip = Image.new("RGB", (STRIP_FRAME_WIDTH * len(pictures), height))
    for i, picture in enumerate(pictures):
        strip.paste(picture.resize((STRIP_FRAME_WIDTH, height)), (i * STRIP_FRAME_WIDTH, 0))
    _save_jpeg(strip, out)
    return out


def image_thumbnail(path: Path, cache_dir: Path) -> Path:
    out = cache_dir / f"{fingerprint(path, 'image', 0.0, POSTER_WIDTH)}.jpg"
    if out.exists():
        return out
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as img:
            img.draft("RGB", (POSTER_WIDTH * 2, POSTER_WIDTH * 2))  # fast JPEG downscale
            upright = ImageOps.exif_transpose(img)
            thumb = _scaled(upright.convert("RGB"), POSTER_WIDTH)
    except OSError as exc:
        raise MediaError(f"No thumbnail could be made for {path.name}: {exc}.") from exc
    _save_jpeg(thumb, out)
    return out


def waveform(path: Path, info: ProbeInfo, cache_dir: Path, max_seconds: float = 600.0) -> Path:
    """A Pillow-drawn peak waveform of (up to the first 10 minutes of) an audio file."""
    out = cache_dir / f"{fingerprint(path, 'wave', 0.0, POSTER_WIDTH)}.jpg"
    if out.exists():
        return out
    import av
    from PIL import Image, ImageDraw

    span = min(info.duration or max_seconds, max_seconds) or 1.0
    rate = 2000  # plenty for a 320-column picture
    wanted = max(POSTER_WIDTH, int(span * rate))
    samples = array("f")
    try:
        with av.open(str(path)) as container:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for frame in container.decode(audio=0):
                for mono in resampler.resample(frame):
                    samples.frombytes(bytes(mono.planes[0])[: mono.samples * 4])
                if len(samples) >= wanted:
                    break
    except av.FFmpegError as exc:
        raise MediaError(f"No waveform could be made for {path.name}: {exc}.") from exc
    per_column = max(1, len(samples) // POSTER_WIDTH)
    peaks = [
        max((abs(v) for v in samples[x * per_column : (x + 1) * per_column]), default=0.0)
        for x in range(POSTER_WIDTH)
    ]
    top = max(peaks) or 1.0
    image = Image.new("RGB", (POSTER_WIDTH, _WAVE_HEIGHT), (24, 28, 36))
    draw = ImageDraw.Draw(image)
    mid = _WAVE_HEIGHT / 2
    for x, peak in enumerate(peaks):
        half = max(1.0, peak / top * (mid - 4))
        draw.line([(x, mid - half), (x, mid + half)], fill=(96, 180, 255))
    _save_jpeg(image, out)
    return out


def _seek(container: Any, stream: Any, at: float) -> None:
    if at > 0 and stream.time_base:
        # Lands on the keyframe at or before `at`.
        container.seek(int(at / stream.time_base), stream=stream)


def _nearest_keyframe(keys: list[float], at: float, latest: float) -> float:
    """The keyframe time nearest `at` and not after `latest` (`at` without keyframes)."""
    usable = [k for k in keys if k <= latest] or keys[:1]
    return min(usable, key=lambda k: abs(k - at)) if usable else at


def _blank(image: Image.Image) -> bool:
    """True for a picture of (almost) one colour: a black or white fade, no poster."""
    from PIL import ImageStat

    return max(ImageStat.Stat(image.convert("L")).stddev) < _BLANK_STDDEV


def _keyframe_times(container: Any, stream: Any) -> list[float]:
    """Presentation times of the keyframes: from the container's index when it has
    one (MP4, MOV: free), else from a demux-only pass (no decoding)."""
    indexed = _indexed_keyframe_times(stream)
    if indexed:
        return indexed
    keys: list[float] = []
    for packet in container.demux(stream):
        if packet.is_keyframe and packet.pts is not None and packet.time_base is not None:
            keys.append(float(packet.pts * packet.time_base))
    container.seek(0)
    return sorted(keys)


def _indexed_keyframe_times(stream: Any) -> list[float]:
    """Keyframe times from the demuxer's index, [] when it has none.

    Index timestamps are decode times; with B-frames they run ahead of the
    presentation times by the reorder delay, which the first keyframe shows
    (its presentation time is the stream start).
    """
    base = stream.time_base
    try:
        entries = [e.timestamp for e in stream.index_entries if e.is_keyframe]
    except (AttributeError, ValueError):
        return []
    if not entries or not base:
        return []
    shift = (stream.start_time or 0) - entries[0]
    return [float((t + shift) * base) for t in entries]


def _picture(frame: Any, width: int, rotation: int) -> Image.Image:
    """`frame` scaled by swscale to `width` once upright: scaling a full 1080p
    frame in Pillow costs ~10x more, and holds the GIL while doing it."""
    across = frame.height if rotation in (90, 270) else frame.width
    along = frame.width if rotation in (90, 270) else frame.height
    scaled = max(2, round(along * width / max(1, across) / 2) * 2)
    if rotation in (90, 270):
        return frame.to_image(width=scaled, height=width)
    return frame.to_image(width=width, height=scaled)


def _frames_at(
    container: Any,
    stream: Any,
    times: list[float],
    keys: list[float],
    width: int,
    rotation: int = 0,
) -> list[Image.Image]:
    """The first frame at or after each time, decoding forward wherever possible,
    each scaled to `width` (after turning it by `rotation`)."""
    pictures: list[Image.Image] = []
    decoder: Any = None
    current: Any = None  # the last decoded frame
    for at in times:
        if current is not None and (current.time is None or current.time >= at - 1e-3):
            # Already there: the frames are sparser than the targets.
            pictures.append(_picture(current, width, rotation))
            continue
        here = current.time if current is not None else None
        key = bisect.bisect_right(keys, at + 1e-6) - 1
        if decoder is None or here is None or (key >= 0 and keys[key] > here + 1e-6):
            _seek(container, stream, at)  # lands on the keyframe at or before `at`
            decoder = container.decode(stream)
        for frame in decoder:
            current = frame
            if frame.time is None or frame.time >= at - 1e-3:
                break
        else:
            break  # the stream ended early: keep what we have
        pictures.append(_picture(current, width, rotation))
    return pictures


def _upright(image: Image.Image, rotation: int) -> Image.Image:
    from PIL import Image as PILImage

    turns = {
        90: PILImage.Transpose.ROTATE_270,  # PIL's ROTATE_n is counter-clockwise
        180: PILImage.Transpose.ROTATE_180,
        270: PILImage.Transpose.ROTATE_90,
    }
    return image.transpose(turns[rotation]) if rotation in turns else image


def _scaled(image: Image.Image, width: int) -> Image.Image:
    height = max(2, round(image.height * width / max(1, image.width) / 2) * 2)
    return image.resize((width, height))


def _save_jpeg(image: Image.Image, out: Path) -> None:
    # Write then rename so a reader never sees half a JPEG.
    tmp = out.with_name(f".{out.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    image.convert("RGB").save(tmp, "JPEG", quality=_JPEG_QUALITY)
    os.replace(tmp, out)
