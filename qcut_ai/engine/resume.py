"""Which unfinished jobs this session can pick up, and which belong elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field

from qcut_ai.core.job_state import JobRecord, JobState
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.leases import Owner

OFFLINE_PREFIX = "offline:"


@dataclass
class ResumePlan:
    """run: jobs to continue now; waiting: jobs for another backend (left open);
    expired: offline preview jobs whose session ended (closed, nothing was paid);
    busy: jobs another live qcut-ai process is finishing (left to it), with who."""

    run: list[JobRecord] = field(default_factory=list)
    waiting: list[JobRecord] = field(default_factory=list)
    expired: list[JobRecord] = field(default_factory=list)
    busy: list[tuple[JobRecord, Owner]] = field(default_factory=list)


def plan_resume(
    journal: JobJournal, backend: str, unfinished: list[JobRecord] | None = None
) -> ResumePlan:
    """Sort `unfinished` (read from the journal when not given) by where it can finish."""
    plan = ResumePlan()
    for job in journal.unfinished() if unfinished is None else unfinished:
        owner = journal.owner_of(job.id)
        if owner is not None:
            plan.busy.append((job, owner))
        elif job.backend in (None, backend):
            plan.run.append(job)
        elif job.backend.startswith(OFFLINE_PREFIX):
            # A preview stand-in lives only as long as its session; its jobs cost nothing.
            plan.expired.append(
                journal.update(
                    job.id,
                    JobState.FAILED,
                    error="This offline preview job ended with the session that ran it; "
                    "nothing was paid.",
                    error_kind="ExpiredPreview",
                )
            )
        else:
            plan.waiting.append(job)
    return plan


def busy_text(busy: list[tuple[JobRecord, Owner]]) -> str:
    """One sentence about jobs another qcut-ai process is finishing."""
    owners = sorted({owner.describe() for _, owner in busy})
    noun = "job is" if len(busy) == 1 else "jobs are"
    return (
        f"{len(busy)} {noun} being finished by another qcut-ai ({', '.join(owners)}); left to it."
    )


def waiting_text(jobs: list[JobRecord]) -> str:
    """One sentence about jobs that need another connection to finish."""
    where = sorted({j.backend or "fal" for j in jobs})
    noun = "job waits" if len(jobs) == 1 else "jobs wait"
    return (
        f"{len(jobs)} {noun} for {', '.join(where)}; they were kept and finish when "
        "qcut-ai is connected there again."
    )


def is_paid(backend: str | None) -> bool:
    """Whether a job's backend bills it: fal or an override URL, not an offline preview."""
    return not (backend or "").startswith(OFFLINE_PREFIX)


def resumed_text(count: int) -> str:
    """What the panel says on open about the jobs it picked up again."""
    noun = "job" if count == 1 else "jobs"
    return f"{count} {noun} resumed from your last session."
