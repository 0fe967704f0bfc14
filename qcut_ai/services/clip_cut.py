"""A marked range of a clip as its own file, cut at exact frames (a slow call: run it in
a worker). Extending "from Out" sends the clip up to its Out mark, not the whole clip."""

from __future__ import annotations

from pathlib import Path

from qcut_ai.core.errors import MediaError
from qcut_ai.services.ffmpeg_tools import run_ffmpeg


def cut_clip(video: Path, out: Path, start_s: float, end_s: float) -> Path:
    """Write `video` from `start_s` to `end_s` to `out` (H.264/AAC MP4). Re-encoded, so
    the cut falls on the marked frames rather than on the keyframes near them."""
    if end_s <= start_s:
        raise MediaError(f"The marked range of '{video.name}' is empty: set In before Out.")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.stem + ".part" + out.suffix)
    run_ffmpeg(
        [
            *("-i", str(video), "-ss", f"{start_s:.6f}", "-to", f"{end_s:.6f}"),
            *("-map", "0:v:0", "-map", "0:a:0?"),
            *("-c:v", "libx264", "-preset", "veryfast", "-crf", "16", "-pix_fmt", "yuv420p"),
            *("-c:a", "aac", "-movflags", "+faststart", str(partial)),
        ],
        timeout=600.0,
    )
    partial.replace(out)
    return out
