"""Find an ffmpeg binary: the one shipped in imageio-ffmpeg first, else the one on PATH.

The bundled build is a known, recent version (system packages can be years older
and lack options we use, such as `-display_rotation`), and the app must work after
`pip install` alone. `QCUT_AI_FFMPEG` picks another binary explicitly.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

from qcut_ai.core.errors import MediaError

FFMPEG_ENV = "QCUT_AI_FFMPEG"


@functools.cache
def ffmpeg_exe() -> str:
    """Absolute path of an ffmpeg executable. `QCUT_AI_FFMPEG` overrides the search."""
    override = os.environ.get(FFMPEG_ENV, "").strip()
    if override:
        if not Path(override).is_file():
            raise MediaError(f"{FFMPEG_ENV} points to {override}, which is not a file.")
        return override
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception:  # the wheel raises RuntimeError when its binary is missing
        found = shutil.which("ffmpeg")
        if found:
            return found
    raise MediaError(
        "The bundled ffmpeg is missing and none was found on PATH.",
        hint="Reinstall qcut-ai with its dependencies, or set QCUT_AI_FFMPEG.",
    )


def run_ffmpeg(args: list[str], *, timeout: float = 120.0) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg quietly; raise MediaError with its last stderr line on failure."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"ffmpeg did not finish within {timeout:.0f} s.") from exc
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        last = lines[-1] if lines else f"exit code {proc.returncode}"
        raise MediaError(f"ffmpeg failed: {last}")
    return proc
