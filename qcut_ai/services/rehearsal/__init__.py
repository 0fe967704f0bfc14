"""Offline fal stand-in: a loopback server speaking fal's queue protocol with real MP4s.

Start one with `StandIn(...)` (a context manager), point fal-client at its
`base_url`, and use `inject()` to rehearse failures.
"""

from __future__ import annotations

from qcut_ai.services.rehearsal.faults import FAULTS, FAULTS_ENV, FaultSpec
from qcut_ai.services.rehearsal.recorder import CancelRecord, SubmissionRecord
from qcut_ai.services.rehearsal.server import OFFLINE_KEY, StandIn
from qcut_ai.services.rehearsal.state import PROFILES, LatencyProfile
from qcut_ai.services.rehearsal.storage import DownloadRecord, UploadRecord

__all__ = [
    "FAULTS",
    "FAULTS_ENV",
    "OFFLINE_KEY",
    "PROFILES",
    "CancelRecord",
    "DownloadRecord",
    "FaultSpec",
    "LatencyProfile",
    "StandIn",
    "SubmissionRecord",
    "UploadRecord",
]
