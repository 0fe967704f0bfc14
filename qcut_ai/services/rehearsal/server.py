"""The offline fal stand-in: a loopback HTTP server speaking fal's queue protocol.

Tests, `qcut-ai standin` and the app's offline preview mode run the real
fal-client against it (with fal-client's base URLs pointed at `base_url`).
Jobs move through the queue on a clock, results are real MP4s, and faults
can be injected to rehearse every failure the app must survive.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Collection, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from qcut_ai.services.rehearsal import outcomes
from qcut_ai.services.rehearsal.billing_api import BillingBook
from qcut_ai.services.rehearsal.faults import (
    FAULTS_ENV,
    FaultBook,
    FaultSpec,
    faults_in_text,
    parse_fault_list,
)
from qcut_ai.services.rehearsal.handler import StandInHTTPServer
from qcut_ai.services.rehearsal.recorder import CancelRecord, Recorder, SubmissionRecord
from qcut_ai.services.rehearsal.registry import Registry
from qcut_ai.services.rehearsal.renderer import Renderer
from qcut_ai.services.rehearsal.state import (
    Job,
    JobStore,
    LatencyProfile,
    job_timing,
    profile_named,
)
from qcut_ai.services.rehearsal.storage import DownloadRecord, FileStore, UploadRecord
from qcut_ai.services.rehearsal.worker import RenderCap, StandInWorker

log = logging.getLogger(__name__)

OFFLINE_KEY = "offline-preview"
_NAMESPACES = ("workflows", "comfy")


def app_path_of(endpoint: str) -> str:
    """`[namespace/]owner/alias` of an endpoint id: fal drops the sub-path in request URLs."""
    parts = endpoint.strip("/").split("/")
    keep = 3 if parts[0] in _NAMESPACES else 2
    return "/".join(parts[:keep])


class StandIn:
    """A running fal stand-in; use as a context manager or call start()/stop().

    `keys` limits the accepted fal keys (None accepts any non-empty key).
    `profile` sets job timing and render size ("instant", "fast", "realistic");
    `typical_seconds` maps endpoint ids to the run time the realistic profile
    scales from. `max_short_side`/`max_duration` override the profile's render
    caps (None renders the true size or length). `hang_seconds` is how long
    the "hang" faults stay silent. Faults listed in QCUT_AI_STANDIN_FAULTS are
    armed at construction. `registry` is fal's model list as its Platform API
    (/v1/models, pricing) serves it; tests retire or add models there.
    """

    def __init__(
        self,
        *,
        keys: Collection[str] | None = None,
        profile: str | LatencyProfile = "instant",
        media_dir: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        typical_seconds: Mapping[str, float] | None = None,
        hang_seconds: float = 30.0,
        max_short_side: RenderCap = "profile",
        max_duration: float | Literal["profile"] | None = "profile",
    ) -> None:
        self.keys = frozenset(keys) if keys is not None else None
        self.profile = profile  # the setter also takes a name
        self.typical_seconds = dict(typical_seconds or {})
        self.hang_seconds = hang_seconds
        self.max_short_side = max_short_side
        self.max_duration = max_duration
        # fal's model list as the Platform API serves it; tests retire models in it.
        self.registry = Registry()
        self.billing = BillingBook()  # usage and credit (/v1/models/usage, /v1/account/billing)
        self.faults = FaultBook()
        self.faults.inject_all(parse_fault_list(os.environ.get(FAULTS_ENV, "")))
        self.jobs = JobStore()
        self.stopping = threading.Event()
        self.pending_puts: dict[str, tuple[str, str, str]] = {}
        self._host, self._port = host, port
        self._media_dir = media_dir
        self._own_dir: str | None = None
        self._recorder = Recorder()
        self._lock = threading.Lock()
        self._cdn_tokens: set[str] = set()
        self._seen_transient: set[tuple[str, str]] = set()
        self._server: StandInHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._files: FileStore | None = None
        self._runner: StandInWorker | None = None
        # When set, submit and status answers point their URLs at this base
        # instead of the stand-in: an answer leading to another host.
        self.answer_base: str | None = None

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> StandIn:
        if self._server is not None:
            return self
        if self._media_dir is None:
            self._own_dir = tempfile.mkdtemp(prefix="qcut-standin-")
            self._media_dir = Path(self._own_dir)
        self._files = FileStore(self._media_dir / "files")
        self._runner = StandInWorker(
            Renderer(self._media_dir / "renders"),
            self._files,
            lambda: self.base_url,
            lambda: (self.max_short_side, self.max_duration),
        )
        self.stopping.clear()
        self._server = StandInHTTPServer((self._host, self._port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="standin-http",
            daemon=True,
        )
        self._thread.start()
        log.info("fal stand-in listening on %s (profile %s)", self.base_url, self.profile.name)
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self.stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._runner is not None:
            self._runner.shutdown()
            self._runner = None
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)
            self._own_dir, self._media_dir = None, None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def profile(self) -> LatencyProfile:
        """Timing and render size of new jobs; assign a profile or its name."""
        return self._profile

    @profile.setter
    def profile(self, value: str | LatencyProfile) -> None:
        self._profile = profile_named(value) if isinstance(value, str) else value

    @property
    def url_host(self) -> str:
        if self._server is None:
            raise RuntimeError("The stand-in is not running; call start() first.")
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.url_host}"

    @property
    def files(self) -> FileStore:
        if self._files is None:
            raise RuntimeError("The stand-in is not running; call start() first.")
        return self._files

    # -- faults and introspection -------------------------------------------------

    def inject(self, fault: str, times: int | None = 1, endpoint: str | None = None) -> None:
        """Arm a fault (see faults.FAULTS) for the next `times` matching requests."""
        self.faults.inject(fault, times, endpoint)

    def clear_faults(self) -> None:
        self.faults.clear()

    @property
    def submissions(self) -> list[SubmissionRecord]:
        return self._recorder.submissions

    @property
    def cancels(self) -> list[CancelRecord]:
        return self._recorder.cancels

    @property
    def status_polls(self) -> dict[str, int]:
        return self._recorder.status_polls

    @property
    def uploads(self) -> list[UploadRecord]:
        return list(self.files.uploads)

    @property
    def downloads(self) -> list[DownloadRecord]:
        return list(self.files.downloads)

    # -- used by the request handlers -------------------------------------------------

    def key_ok(self, header: str | None) -> bool:
        scheme, _, key = (header or "").strip().partition(" ")
        if scheme.lower() != "key" or not key.strip():
            return False
        return self.keys is None or key.strip() in self.keys

    def issue_cdn_token(self) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._cdn_tokens.add(token)
        return token

    def cdn_token_ok(self, header: str | None) -> bool:
        scheme, _, token = (header or "").strip().partition(" ")
        with self._lock:
            return scheme.lower() == "bearer" and token.strip() in self._cdn_tokens

    def submit_fault(
        self, endpoint: str, arguments: dict[str, Any], body: bytes
    ) -> FaultSpec | None:
        """The submit-phase fault for this request: a prompt tag first, then an injected one."""
        digest = hashlib.sha1(endpoint.encode() + b"\0" + body).hexdigest()
        for spec in faults_in_text(str(arguments.get("prompt", ""))):
            if spec.phase != "submit":
                continue
            if spec.transient:
                # A retry of the same request gets through, as after a real blip.
                with self._lock:
                    if (digest, spec.name) in self._seen_transient:
                        continue
                    self._seen_transient.add((digest, spec.name))
            return spec
        return self.faults.take("submit", endpoint)

    def create_job(
        self,
        endpoint: str,
        arguments: dict[str, Any],
        headers: dict[str, str],
        query: dict[str, str],
        *,
        kind: Literal["queue", "run"],
    ) -> Job:
        prompt = str(arguments.get("prompt", ""))
        profile, queue_s, generate_s = job_timing(
            self.profile, endpoint, prompt, self.typical_seconds
        )
        tagged = faults_in_text(prompt)
        failure = next((s for s in tagged if s.phase == "job"), None) or self.faults.take(
            "job", endpoint
        )
        if kind == "run":
            queue_s = generate_s = 0.0
        job = Job(
            request_id=str(uuid.uuid4()),
            endpoint=endpoint,
            app_path=app_path_of(endpoint),
            arguments=arguments,
            kind="llm" if outcomes.is_llm(endpoint) else "video",
            queue_s=queue_s,
            generate_s=generate_s,
            initial_position=profile.initial_position,
            profile=profile,
            failure=failure,
            tag_faults=[s for s in tagged if s.phase in ("status", "cancel", "file")],
        )
        self.jobs.add(job)
        self._recorder.add_submission(
            SubmissionRecord(endpoint, arguments, headers, job.request_id, time.time(), query, kind)
        )
        if kind == "queue":
            self._runner_or_fail().schedule(job)
        return job

    def urls_for(self, job: Job) -> dict[str, str]:
        base = f"{self.answer_base or self.base_url}/{job.app_path}/requests/{job.request_id}"
        return {
            "request_id": job.request_id,
            "response_url": base,
            "status_url": base + "/status",
            "cancel_url": base + "/cancel",
        }

    def submit_answer(self, job: Job) -> dict[str, Any]:
        return {
            **self.urls_for(job),
            "status": "IN_QUEUE",
            "queue_position": job.position(job.created),
            "gateway_request_id": job.request_id,
        }

    def count_poll(self, request_id: str) -> None:
        self._recorder.count_poll(request_id)

    def record_cancel(self, request_id: str, status_code: int) -> None:
        self._recorder.add_cancel(CancelRecord(request_id, status_code, time.time()))

    def complete_now(self, job: Job) -> None:
        """Finish a job at once (sync runs, a cancel that loses the race)."""
        self._runner_or_fail().complete_now(job)

    def _runner_or_fail(self) -> StandInWorker:
        if self._runner is None:
            raise RuntimeError("The stand-in is not running; call start() first.")
        return self._runner
