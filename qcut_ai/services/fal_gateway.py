"""The one place where the user's money is spent: fal's queue through fal-client.

* Submits with fal-client's non-retrying request path, so a lost response
  can never create a second paid job; an ambiguous failure is reported as
  AmbiguousSubmitError and the journal decides.
* Follows the job through the status stream of the status URL returned on
  submit (never a rebuilt one); when the stream cannot be used, polls that
  URL every 1-2 s with backoff. Either way up to a per-model deadline.
* Status, result, cancel and uploads go through the real `SyncClient(key=...)`,
  whose HTTP client sends the key to fal's hosts only and reads bounded answers
  (`fal_http_guard`); a status, result or cancel URL on any other host is
  refused before it is followed, and the job is kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from qcut_ai.core.errors import (
    AmbiguousSubmitError,
    CancelledError,
    FalError,
    ModelFailedError,
    RateLimitedError,
    StuckJobError,
    UntrustedAnswerError,
)
from qcut_ai.services import status_stream
from qcut_ai.services.fal_errors import map_exception, model_failure
from qcut_ai.services.fal_http_guard import (
    MAX_ANSWER_BYTES,
    AnswerTooLargeError,
    KeyScope,
    guard_client,
)
from qcut_ai.services.fal_status import (
    AbortCheck,
    PollPolicy,
    RemoteStatus,
    StatusCallback,
    Submission,
)
from qcut_ai.services.media_hosts import netloc_of

__all__ = [
    "AbortCheck",
    "FalGateway",
    "PollPolicy",
    "RemoteStatus",
    "StatusCallback",
    "Submission",
]

SUBMIT_TIMEOUT_S = 60.0
# Log lines a status keeps (the newest): a job that logs without end must not
# grow the app's memory or what is shown.
MAX_LOG_LINES = 200


class FalGateway:
    """Runs fal queue calls for one key; build a new one when the key changes."""

    def __init__(
        self,
        key: str,
        *,
        poll: PollPolicy | None = None,
        submit_timeout_s: float = SUBMIT_TIMEOUT_S,
        base_url: str | None = None,
    ) -> None:
        """`base_url`: the one place besides fal this gateway may send the key (a key
        check names it); without it, where fal-client is pointed now."""
        import fal_client

        self._key = key
        self.submit_timeout_s = submit_timeout_s
        self.poll = poll or PollPolicy()
        self.client = fal_client.SyncClient(key=key, default_timeout=SUBMIT_TIMEOUT_S)
        self.scope = KeyScope.for_base(base_url) if base_url else KeyScope.current()
        guard_client(self.client._client, self.scope)
        self._lock = threading.Lock()

    def _trusted(self, sub: Submission, url: str) -> str:
        """`url` if the key may go there; else the job is refused as an untrusted answer."""
        if self.scope.allows(url):
            return url
        raise UntrustedAnswerError(
            f"fal's answer for request {sub.request_id} pointed at another host "
            f"({netloc_of(url) or url[:60]}), so qcut-ai did not follow it and your key "
            "stayed with fal; the job was kept.",
            hint="Check the request at fal.ai/dashboard/requests. If fal is reached "
            "through a proxy, set QCUT_AI_FAL_URL to it.",
            request_id=sub.request_id,
        )

    @staticmethod
    def _too_large(exc: AnswerTooLargeError, what: str, sub: Submission) -> UntrustedAnswerError:
        return UntrustedAnswerError(
            f"fal's {what} for request {sub.request_id} is larger than "
            f"{MAX_ANSWER_BYTES // 1024**2} MB, far more than a video job returns, so it "
            "was not read; the job was kept.",
            hint="Check the request at fal.ai/dashboard/requests, or resume later.",
            request_id=sub.request_id,
        )

    # -- submit -------------------------------------------------------------
    def submit(self, endpoint: str, arguments: Mapping[str, Any]) -> Submission:
        """Submit a job. Only refusals that prove fal did not take it are retried (429).

        Definite refusals raise mapped errors; a lost answer raises AmbiguousSubmitError.
        """
        delay = self.poll.rate_limit_backoff_s
        for attempt in range(1, self.poll.rate_limit_attempts + 1):
            try:
                return self._submit_once(endpoint, arguments)
            except RateLimitedError:
                # A 429 means fal did not accept the job, so trying again cannot double-bill.
                if attempt == self.poll.rate_limit_attempts:
                    raise
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _submit_once(self, endpoint: str, arguments: Mapping[str, Any]) -> Submission:
        import fal_client.client as fc
        import httpx
        from fal_client import FalClientHTTPError

        url = fc.QUEUE_URL_FORMAT + endpoint
        try:
            # fal-client's own request path without its retry wrapper: a retried
            # POST after a lost response would start (and bill) a second job.
            response = fc._request(
                self.client._client,
                "POST",
                url,
                json=dict(arguments),
                timeout=self.submit_timeout_s,
            )
        except FalClientHTTPError as exc:
            raise map_exception(exc, stage="submitting") from exc
        except AnswerTooLargeError as exc:
            raise AmbiguousSubmitError(
                "fal's answer to the submit was too large to read, so the job may or may not "
                "have been accepted; it was not sent again.",
                hint="Check fal.ai/dashboard/requests before retrying this job.",
            ) from exc
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            # Nothing reached the server: safe to report as a plain failure.
            raise map_exception(exc, stage="submitting") from exc
        except httpx.HTTPError as exc:
            raise AmbiguousSubmitError(
                "The submit to fal may or may not have been received "
                f"({type(exc).__name__}); it was not sent again to avoid paying twice.",
                hint="Check fal.ai/dashboard/requests before retrying this job.",
                retryable=False,
            ) from exc
        try:
            data = response.json()
            return Submission(
                endpoint=endpoint,
                request_id=str(data["request_id"]),
                status_url=str(data["status_url"]),
                response_url=str(data["response_url"]),
                cancel_url=str(data["cancel_url"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise AmbiguousSubmitError(
                "fal accepted the submit but its answer could not be read.",
                hint="Check fal.ai/dashboard/requests before retrying this job.",
            ) from exc

    # -- queue calls on a stored submission ----------------------------------
    def _handle(self, sub: Submission) -> Any:
        import fal_client

        return fal_client.SyncRequestHandle(
            request_id=sub.request_id,
            response_url=sub.response_url,
            status_url=sub.status_url,
            cancel_url=sub.cancel_url,
            client=self.client._client,
        )

    def status(self, sub: Submission, *, with_logs: bool = True) -> RemoteStatus:
        self._trusted(sub, sub.status_url)
        try:
            st = self._handle(sub).status(with_logs=with_logs)
        except AnswerTooLargeError as exc:
            raise self._too_large(exc, "status", sub) from exc
        except Exception as exc:
            raise map_exception(exc, stage="checking status", request_id=sub.request_id) from exc
        return _remote_status(st)

    def result(self, sub: Submission) -> dict[str, Any]:
        import httpx

        self._trusted(sub, sub.response_url)
        try:
            response = self.client._client.get(sub.response_url, timeout=120.0)
            if response.status_code >= 400:
                from fal_client.client import _raise_for_status

                _raise_for_status(response)
            data = response.json()
        except AnswerTooLargeError as exc:
            raise self._too_large(exc, "result", sub) from exc
        except httpx.HTTPError as exc:
            raise map_exception(
                exc, stage="fetching the result", request_id=sub.request_id
            ) from exc
        except Exception as exc:
            raise map_exception(
                exc, stage="fetching the result", request_id=sub.request_id
            ) from exc
        if not isinstance(data, dict):
            raise FalError(
                "fal returned a result that is not a JSON object.", request_id=sub.request_id
            )
        return data

    def cancel(self, sub: Submission) -> bool:
        """Ask fal to cancel. True if accepted, False if it had already completed."""
        from fal_client import FalClientHTTPError

        self._trusted(sub, sub.cancel_url)
        try:
            self._handle(sub).cancel()
        except FalClientHTTPError as exc:
            if exc.status_code == 400 and "ALREADY_COMPLETED" in str(exc.message):
                return False
            raise map_exception(exc, stage="cancelling", request_id=sub.request_id) from exc
        except Exception as exc:
            raise map_exception(exc, stage="cancelling", request_id=sub.request_id) from exc
        return True

    def upload_file(self, path: str) -> str:
        try:
            url: str = self.client.upload_file(Path(path))
        except Exception as exc:
            raise map_exception(exc, stage="uploading an input file") from exc
        return url

    # -- waiting for completion ----------------------------------------------
    def wait(
        self,
        sub: Submission,
        *,
        typical_seconds: float,
        on_status: StatusCallback | None = None,
        abort: AbortCheck | None = None,
        started_at: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> RemoteStatus:
        """Follow the job until COMPLETED (returned), the deadline (StuckJobError) or abort
        (CancelledError).

        fal's status stream is followed while it works, else the status URL is
        polled; `on_status` gets each status either way. A COMPLETED status with
        an error raises the model's reason.
        """
        begin = started_at if started_at is not None else time.monotonic()
        deadline = begin + self.poll.deadline_for(typical_seconds)

        def check_abort() -> None:
            if abort is not None and abort():
                raise CancelledError("The job was cancelled.")

        def check_deadline() -> None:
            if time.monotonic() >= deadline:
                minutes = (time.monotonic() - begin) / 60
                raise StuckJobError(
                    f"The job has not finished after {minutes:.0f} min, well past this "
                    f"model's usual time (request {sub.request_id}).",
                    hint="It was kept: resume later, or cancel it.",
                    request_id=sub.request_id,
                )

        check_abort()
        self._trusted(sub, sub.status_url)
        st: RemoteStatus | None = None
        logs = [True]

        def poll_status() -> RemoteStatus:
            try:
                return self.status(sub, with_logs=logs[0])
            except UntrustedAnswerError:
                if not logs[0]:
                    raise
                # Too large with its logs: follow the job without them from now on.
                logs[0] = False
                return self.status(sub, with_logs=False)

        if self.poll.stream:
            handle = self._handle(sub)
            st = status_stream.follow(
                self.client._client,
                sub.status_url,
                parse=lambda data: _remote_status(handle._parse_status(data)),
                on_status=on_status,
                check_abort=check_abort,
                check_deadline=check_deadline,
                request_id=sub.request_id,
            )
        if st is None:
            st = status_stream.poll(
                poll_status,
                self.poll,
                on_status=on_status,
                check_abort=check_abort,
                check_deadline=check_deadline,
                sleep=sleep,
            )
        if st.error:
            raise self._completed_error(sub, st)
        return st

    def _completed_error(self, sub: Submission, st: RemoteStatus) -> FalError:
        """The clearest reason for a failed job: the result endpoint's detail, else the status."""
        try:
            self.result(sub)
        except FalError as exc:
            if exc.status_code == 422 or isinstance(exc, ModelFailedError):
                return exc
        return model_failure(st.error, st.error_type, request_id=sub.request_id)

    def close(self) -> None:
        with self._lock:
            client = self.client.__dict__.get("_client")
            if client is not None:
                client.close()


def _remote_status(st: Any) -> RemoteStatus:
    """fal-client's Queued/InProgress/Completed in our words (polls and stream alike)."""
    import fal_client

    if isinstance(st, fal_client.Queued):
        return RemoteStatus("IN_QUEUE", queue_position=st.position)
    if isinstance(st, fal_client.InProgress):
        return RemoteStatus("IN_PROGRESS", logs=list(st.logs or [])[-MAX_LOG_LINES:])
    return RemoteStatus(
        "COMPLETED",
        logs=list(st.logs or [])[-MAX_LOG_LINES:],
        error=st.error,
        error_type=st.error_type,
        metrics=dict(st.metrics or {}),
    )
