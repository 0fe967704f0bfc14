"""Job states and the journal's view of a job, shared by the CLI and the GUI."""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    """Where a job is. Each state is written to the journal before the step it names."""

    QUEUED = "queued"  # in our local queue, nothing sent
    SUBMITTING = "submitting"  # POST about to be sent; outcome unknown until saved
    SUBMITTED = "submitted"  # fal gave us a request id
    IN_QUEUE = "in_queue"  # fal's queue, with a position
    GENERATING = "generating"  # fal reports IN_PROGRESS
    COMPLETED = "completed"  # fal finished; result JSON saved
    DOWNLOADING = "downloading"
    INGESTING = "ingesting"  # probe, thumbnail, library row
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"  # submit may have reached fal; check the dashboard

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATES

    @property
    def remote(self) -> bool:
        """True when fal holds a request id for this job."""
        return self in REMOTE_STATES

    @property
    def label(self) -> str:
        return _LABELS[self]


TERMINAL_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED, JobState.UNKNOWN})
REMOTE_STATES = frozenset(
    {JobState.SUBMITTED, JobState.IN_QUEUE, JobState.GENERATING, JobState.COMPLETED}
)

_LABELS = {
    JobState.QUEUED: "Queued",
    JobState.SUBMITTING: "Submitting",
    JobState.SUBMITTED: "Submitted",
    JobState.IN_QUEUE: "In fal's queue",
    JobState.GENERATING: "Generating",
    JobState.COMPLETED: "Finished at fal",
    JobState.DOWNLOADING: "Downloading",
    JobState.INGESTING: "Adding to library",
    JobState.DONE: "Done",
    JobState.FAILED: "Failed",
    JobState.CANCELLED: "Cancelled",
    JobState.UNKNOWN: "Unknown: check the fal dashboard",
}
