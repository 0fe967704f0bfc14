"""Named points where a crash-recovery test can kill the process outright.

Setting `QCUT_AI_CRASH_AT=<point>` makes the process SIGKILL itself when a
job reaches that point, which is the only honest way to prove that `resume`
finishes every paid job exactly once after a real crash (no `finally`, no
atexit, no flush). Unset, each check is one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "QCUT_AI_CRASH_AT"

# In pipeline order; tests iterate over this tuple.
POINTS = (
    "submit-unsaved",  # POST answered, request id not yet journaled
    "after-submit",  # request id journaled
    "in-queue",  # fal reported the job queued
    "generating",  # fal reported the job running
    "mid-download",  # part of the file written to .part
    "after-download",  # file complete and renamed, library row not yet written
    "after-library-row",  # library row written, journal not yet marked done
    "before-finish",  # job done and clip listed; provenance tags, hash, filmstrip not yet made
)


def crash_point(name: str) -> None:
    """Kill this process now if the environment asks for a crash at `name`."""
    if os.environ.get(CRASH_ENV) == name:
        # SIGKILL where it exists; elsewhere the hardest stop available.
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
