"""The exact last frame of a clip, as a lossless image (a slow call: run it in a worker).

A seek lands on the nearest keyframe, which is usually not the last frame, so
the clip is decoded to its end and the last decoded frame is kept. Models that
only take images continue a clip from this frame.
"""

from __future__ import annotations

from pathlib import Path

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
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    image.save(partial, format="PNG")
    partial.replace(out)
    return out
