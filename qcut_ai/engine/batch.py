"""Plans a batch (one request fanned out to N models) and runs it, pipelined.

Generation runs on a small pool (one at a time by default, to stay under
fal's concurrency limits); each finished job's download, probe and
thumbnails run on a separate ingest pool while the next model generates.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

from qcut_ai.core.catalog import ModelSpec, refuse_unusable
from qcut_ai.core.events import AbortFlag, EventSink, ignore_event
from qcut_ai.core.job_state import INGEST_STATES, JobRecord
from qcut_ai.core.options import combined_options
from qcut_ai.core.pricing import Estimate, estimate
from qcut_ai.core.requests import GenerationRequest, build_arguments
from qcut_ai.core.selection import SelectionPlan, fit_request
from qcut_ai.engine.journal import JobJournal
from qcut_ai.engine.runner import JobRunner
from qcut_ai.library.leases import LeaseHeldError
from qcut_ai.services.uploads import local_image_size


@dataclass(frozen=True)
class PlannedJob:
    spec: ModelSpec
    arguments: dict[str, object]
    estimate: Estimate
    request: GenerationRequest | None = None  # this model's own request, when fitted
    notes: tuple[str, ...] = ()  # what fitting changed for this model


def plan(specs: Sequence[ModelSpec], request: GenerationRequest) -> list[PlannedJob]:
    """Validate the request for every model first: nothing is journaled if any is invalid.

    With several models, each gets the request as it can take it (nearest duration,
    resolution and ratio it offers, only its own extra fields), with notes saying so;
    a single model gets exactly what was asked, or a clear refusal.
    """
    if len(specs) <= 1:
        return plan_pairs([(spec, request) for spec in specs])
    options = combined_options(specs)
    pairs, notes = [], []
    for spec in specs:
        fitted, why = fit_request(spec, options, request)
        pairs.append((spec, fitted))
        notes.append(why)
    return [
        PlannedJob(job.spec, job.arguments, job.estimate, job.request, why)
        for job, why in zip(plan_pairs(pairs), notes, strict=True)
    ]


def plan_pairs(
    pairs: Sequence[tuple[ModelSpec, GenerationRequest]],
    estimates: Sequence[Estimate] | None = None,
) -> list[PlannedJob]:
    """Plan one request per model; `estimates` (from a form that read the inputs'
    lengths) replace the argument-only estimate when given."""
    for spec, _ in pairs:
        refuse_unusable(spec)  # a retired model is refused before anything is journaled
    planned = []
    for index, (spec, request) in enumerate(pairs):
        arguments = build_arguments(
            spec,
            request,
            image_size=local_image_size(request.image),
            end_image_size=local_image_size(request.end_image),
        )
        price = estimates[index] if estimates is not None else estimate(spec, arguments)
        planned.append(PlannedJob(spec, arguments, price, request))
    return planned


def planned_from(selection: SelectionPlan) -> list[PlannedJob]:
    """A form's plan as the engine runs it: each model's fitted request, the arguments
    the plan built from it (no file is read again) and its price."""
    refusal = selection.refusal()
    if refusal is not None:
        raise refusal
    return [
        PlannedJob(m.spec, dict(m.arguments or {}), m.estimate, m.request, m.notes)
        for m in selection.models
    ]


def journal_batch(
    journal: JobJournal,
    planned: Sequence[PlannedJob],
    request: GenerationRequest,
    *,
    retry_of: str | None = None,
    backend: str | None = None,
    claim: bool = True,
) -> list[JobRecord]:
    """Journal one job per planned model. With `claim` (the default) this process owns
    the jobs from the start, so another process's resume cannot take them first."""
    batch_id = uuid.uuid4().hex[:12]
    records = []
    for position, job in enumerate(planned):
        asked = job.request or request
        usd = job.estimate.usd
        records.append(
            journal.create(
                batch_id=batch_id,
                position=position,
                model_id=job.spec.id,
                endpoint=job.spec.endpoint,
                model_name=job.spec.name,
                request=asked.model_dump(mode="json", exclude_none=True),
                arguments=dict(job.arguments),
                estimate_usd=float(usd) if usd is not None else None,
                price_unit=job.estimate.unit,
                price_rate=job.estimate.rate_text,
                retry_of=retry_of,
                backend=backend,
                claim=claim,
            )
        )
    return records


def _forward(fut: Future[JobRecord], outcome: Future[JobRecord]) -> None:
    exc = fut.exception()
    if exc is not None:
        outcome.set_exception(exc)
    else:
        outcome.set_result(fut.result())


class BatchRunner:
    """Runs jobs through a JobRunner with pipelined ingest; thread-based, no Qt.

    A job another live qcut-ai process is working on is left to it: it ends
    this run as it is in the journal, and `busy` says who has it.
    """

    def __init__(self, runner: JobRunner, *, concurrency: int = 1, emit: EventSink = ignore_event):
        self.runner = runner
        self.emit = emit
        self._generate_pool = ThreadPoolExecutor(max(1, min(4, concurrency)), "qcut-generate")
        self._ingest_pool = ThreadPoolExecutor(1, "qcut-ingest")
        self._aborts: dict[str, AbortFlag] = {}
        self._lock = threading.Lock()
        self.busy: dict[str, LeaseHeldError] = {}

    def _step(self, step: str, job_id: str, flag: AbortFlag) -> JobRecord:
        run = self.runner.generate if step == "generate" else self.runner.ingest
        try:
            return run(job_id, self.emit, flag)
        except LeaseHeldError as exc:
            with self._lock:
                self.busy[job_id] = exc
            journal = self.runner.journal()
            try:
                return journal.get(job_id)
            finally:
                journal.db.close()

    def cancel(self, job_id: str) -> None:
        with self._lock:
            flag = self._aborts.get(job_id)
        if flag is not None:
            flag.set()

    def cancel_all(self) -> None:
        with self._lock:
            flags = list(self._aborts.values())
        for flag in flags:
            flag.set()

    def detach_all(self) -> None:
        """Stop waiting: jobs fal holds stay there (journaled, for `resume`); jobs not
        yet sent are cancelled, since nothing was paid for them."""
        with self._lock:
            flags = list(self._aborts.values())
        for flag in flags:
            flag.set(shutdown=True)

    def run(self, job_ids: Sequence[str]) -> list[JobRecord]:
        """Run every job to a resting state and return the final records in order."""
        finals: dict[str, Future[JobRecord]] = {}
        for job_id in job_ids:
            flag = AbortFlag()
            with self._lock:
                self._aborts[job_id] = flag
            outcome: Future[JobRecord] = Future()
            finals[job_id] = outcome
            gen = self._generate_pool.submit(self._step, "generate", job_id, flag)
            gen.add_done_callback(
                partial(self._after_generate, job_id=job_id, flag=flag, outcome=outcome)
            )
        return [finals[j].result() for j in job_ids]

    def _after_generate(
        self, fut: Future[JobRecord], job_id: str, flag: AbortFlag, outcome: Future[JobRecord]
    ) -> None:
        exc = fut.exception()
        if exc is not None:
            outcome.set_exception(exc)
            return
        record = fut.result()
        if record.state not in INGEST_STATES or job_id in self.busy:
            outcome.set_result(record)
            return
        ingest = self._ingest_pool.submit(self._step, "ingest", job_id, flag)
        ingest.add_done_callback(partial(_forward, outcome=outcome))

    def shutdown(self) -> None:
        self.cancel_all()
        self._generate_pool.shutdown(wait=True, cancel_futures=False)
        self._ingest_pool.shutdown(wait=True)
