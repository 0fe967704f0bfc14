"""fal's queue and run protocol: submit, status, result, cancel, sync run.

Status/result/cancel URLs use only `[namespace/]owner/alias`, as fal's do:
a submit to `fal-ai/veo3/fast` is polled at `fal-ai/veo3/requests/{id}`.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from qcut_ai.services.rehearsal import outcomes, sse
from qcut_ai.services.rehearsal.faults import (
    ACCESS_DENIED_DETAIL,
    ACCOUNT_LOCKED_DETAIL,
    INVALID_KEY_DETAIL,
    RATE_LIMIT_DETAIL,
    SERVER_ERROR_DETAIL,
    FaultSpec,
)
from qcut_ai.services.rehearsal.state import Job

if TYPE_CHECKING:
    from qcut_ai.services.rehearsal.handler import StandInHandler

_HTML_ERROR_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def _authorised(h: StandInHandler) -> bool:
    if h.app.key_ok(h.headers.get("Authorization")):
        return True
    h.send_json(401, {"detail": INVALID_KEY_DETAIL})
    return False


def _arguments(h: StandInHandler, body: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    item = {"loc": ["body"], "msg": "Input should be a valid dictionary", "type": "dict_type"}
    h.send_json(422, {"detail": [item]})
    return None


def _refuse(h: StandInHandler, fault: FaultSpec) -> bool:
    """Answer a submit-phase fault that refuses the request; True if it did."""
    answers: dict[str, tuple[int, str]] = {
        "http-401": (401, INVALID_KEY_DETAIL),
        "http-403-locked": (403, ACCOUNT_LOCKED_DETAIL),
        "http-422-access": (422, ACCESS_DENIED_DETAIL),
        "http-429": (429, RATE_LIMIT_DETAIL),
        "http-500": (500, SERVER_ERROR_DETAIL),
    }
    if fault.name in answers:
        status, detail = answers[fault.name]
        h.send_json(status, {"detail": detail})
        return True
    if fault.name == "hang":
        h.hang()
        return True
    return False


def _headers(h: StandInHandler) -> dict[str, str]:
    return {name: value for name, value in h.headers.items() if name.lower() != "authorization"}


def submit(h: StandInHandler, endpoint: str, query: dict[str, str], body: bytes) -> None:
    if not _authorised(h):
        return
    arguments = _arguments(h, body)
    if arguments is None:
        return
    fault = h.app.submit_fault(endpoint, arguments, body)
    if fault is not None and _refuse(h, fault):
        return
    job = h.app.create_job(endpoint, arguments, _headers(h), query, kind="queue")
    if fault is not None and fault.name == "drop-submit":
        h.drop()  # accepted and recorded, but the answer never arrives
        return
    answer = h.app.submit_answer(job)
    if outcomes.is_llm(endpoint):
        # Queue and run hosts may share one base URL, so a POST here can be
        # either; the union answers both fal-client's submit() and run().
        answer.update(outcomes.llm_output(arguments))
    h.send_json(200, answer, {"x-fal-request-id": job.request_id})


def run(h: StandInHandler, endpoint: str, body: bytes) -> None:
    if not _authorised(h):
        return
    arguments = _arguments(h, body)
    if arguments is None:
        return
    fault = h.app.submit_fault(endpoint, arguments, body)
    if fault is not None and _refuse(h, fault):
        return
    if outcomes.is_llm(endpoint):
        h.app.create_job(endpoint, arguments, _headers(h), {}, kind="run")
        h.send_json(200, outcomes.llm_output(arguments))
        return
    job = h.app.create_job(endpoint, arguments, _headers(h), {}, kind="run")
    h.app.complete_now(job)
    status, answer, headers = outcomes.result_response(job, True)
    h.send_json(status, answer, headers)


def _job_for(h: StandInHandler, app_path: str, request_id: str) -> Job | None:
    job = h.app.jobs.get(request_id)
    if job is None or job.app_path != app_path:
        return None
    return job


def _status_fault(h: StandInHandler, fault: FaultSpec, request_id: str) -> None:
    """Answer a status-phase fault (a poll or a stream request)."""
    if fault.name == "http-429-status":
        h.send_json(429, {"detail": RATE_LIMIT_DETAIL})
    elif fault.name == "hang-status":
        h.hang()
    elif fault.name == "drop-status":
        h.drop()
    elif fault.name == "status-non-json":
        h.send_bytes(200, _HTML_ERROR_PAGE, "text/html")
    else:  # status-unknown
        h.send_json(200, {"status": "FAILED", "request_id": request_id})


def _wants_logs(query: dict[str, str]) -> bool:
    return query.get("logs", "0").strip().lower() in ("1", "true", "yes")


def status_answer(h: StandInHandler, job: Job, with_logs: bool) -> dict[str, Any]:
    """The status body fal sends for `job` now (polls and stream events alike)."""
    view = job.status(time.monotonic(), outcomes.job_error(job))
    answer: dict[str, Any] = {"status": view.state, **h.app.urls_for(job)}
    answer["logs"] = view.logs if with_logs else None
    if view.state == "IN_QUEUE":
        answer["queue_position"] = view.position
    if view.state == "COMPLETED":
        answer["metrics"] = {"inference_time": round(job.generate_s, 3)}
        if view.error is not None:
            answer["error"] = view.error
            answer["error_type"] = view.error_type
    return answer


def _status_request(h: StandInHandler, app_path: str, request_id: str) -> Job | None:
    """Authorise, find and count a status request; None once it has been answered."""
    if not _authorised(h):
        return None
    job = _job_for(h, app_path, request_id)
    if job is None:
        h.send_json(404, {"detail": "Request not found"})
        return None
    h.app.count_poll(request_id)
    return job


def status(h: StandInHandler, app_path: str, request_id: str, query: dict[str, str]) -> None:
    job = _status_request(h, app_path, request_id)
    if job is None:
        return
    fault = job.take_tag_fault("status") or h.app.faults.take("status", job.endpoint)
    if fault is not None:
        _status_fault(h, fault, request_id)
        return
    answer = status_answer(h, job, _wants_logs(query))
    code = 200 if answer["status"] == "COMPLETED" else 202
    h.send_json(code, answer, {"x-fal-request-id": request_id})


def status_stream(h: StandInHandler, app_path: str, request_id: str, query: dict[str, str]) -> None:
    """`GET .../status/stream`: one server-sent event per change, closed after COMPLETED.

    Counted like a status poll, and hit by the same status faults, so a client's
    fallback from the stream to polling can be rehearsed.
    """
    job = _status_request(h, app_path, request_id)
    if job is None:
        return
    fault = job.take_tag_fault("status") or h.app.faults.take("status", job.endpoint)
    if fault is not None and fault.name != "status-unknown":
        _status_fault(h, fault, request_id)
        return
    stream = sse.EventStream(h, {"x-fal-request-id": request_id})
    if fault is not None:  # status-unknown: a well-formed stream with an unknown status
        stream.send({"status": "FAILED", "request_id": request_id})
        stream.end()
        return
    with_logs = _wants_logs(query)
    last: dict[str, Any] | None = None
    while True:
        answer = status_answer(h, job, with_logs)
        if answer != last:
            stream.send(answer)
            last = answer
        if answer["status"] == "COMPLETED":
            stream.end()
            return
        if not stream.idle():
            return  # the client hung up or the stand-in is stopping


def result(h: StandInHandler, app_path: str, request_id: str) -> None:
    if not _authorised(h):
        return
    job = _job_for(h, app_path, request_id)
    if job is None:
        h.send_json(404, {"detail": "Request not found"})
        return
    code, answer, headers = outcomes.result_response(job, job.is_completed(time.monotonic()))
    h.send_json(code, answer, {"x-fal-request-id": request_id, **headers})


def cancel(h: StandInHandler, app_path: str, request_id: str) -> None:
    if not _authorised(h):
        return
    job = _job_for(h, app_path, request_id)
    if job is None:
        h.app.record_cancel(request_id, 404)
        h.send_json(404, {"status": "NOT_FOUND", "detail": "Request not found"})
        return
    fault = job.take_tag_fault("cancel") or h.app.faults.take("cancel", job.endpoint)
    if fault is not None:
        h.app.complete_now(job)  # the job wins the race against the cancel
    outcome = h.app.jobs.cancel(request_id, time.monotonic())
    if outcome == "requested":
        h.app.record_cancel(request_id, 202)
        h.send_json(202, {"status": "CANCELLATION_REQUESTED"})
    else:
        h.app.record_cancel(request_id, 400)
        h.send_json(400, {"status": "ALREADY_COMPLETED"})
