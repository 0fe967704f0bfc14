"""Exact frames of a clip, as lossless images (slow calls: run them in a worker).

A seek lands on the nearest keyframe, which is usually not the frame wanted:
the last frame is found by decoding to the end, and the frame at a time (the
playhead) by seeking to the keyframe before it and decoding up to it. Models
that only take images continue a clip from such a frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qcut_ai.core.errors import MediaError


def extract_last_frame(video: Path, out: Path) -> Path:
    """Decode `video` to its end and write its last frame to `out` (PNG, lossless)."""
    import av

    last = None
    try:
        with av.open(str(video)) as container:
            if not container.streams.video:
                raise MediaError(f"'{video.name}' has no picture to take a last frame from.")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for frame in container.decode(stream):
                last = frame
            if last is None:
                raise MediaError(f"No frame of '{video.name}' could be decoded.")
            image = last.to_image()
    except av.error.FFmpegError as exc:
        raise MediaError(
            f"'{video.name}' could not be decoded, so it has no last frame to continue from."
        ) from exc
    return _save(image, out)


def extract_frame_at(video: Path, out: Path, seconds: float) -> Path:
    """Write the frame shown at `seconds` into `video` (the one whose span holds that
    time; past the end, the last frame) to `out` as PNG."""
    import av

    chosen = None
    try:
        with av.open(str(video)) as container:
            if not container.streams.video:
                raise MediaError(f"'{video.name}' has no picture to take a frame from.")
            stream = container.streams.video[0]
            base = stream.time_base
            if base is not None and seconds > 0:
                container.seek(int(seconds / base), stream=stream, backward=True)
            for frame in container.decode(stream):
                if frame.time is not None and frame.time > seconds + 1e-6 and chosen is not None:
                    break  # the frame before this one covers `seconds`
                chosen = frame
            if chosen is None:
                raise MediaError(f"No frame of '{video.name}' could be decoded.")
            image = chosen.to_image()
    except av.error.FFmpegError as exc:
        raise MediaError(
            f"'{video.name}' could not be decoded, so no frame could be taken from it."
        ) from exc
    return _save(image, out)


def _save(image: Any, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    image.save(partial, format="PNG")
    partial.replace(out)
    return out
