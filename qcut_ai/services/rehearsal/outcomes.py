"""What a finished stand-in job answers: the output JSON or fal's error shapes.

Successful video jobs answer `{"video": {url, content_type, file_name,
file_size}, "seed"}` (Sora adds `video_id`); the prompt enhancer answers
`{"output": ...}`. Failures follow fal's two documented error shapes: model
errors as a `detail` list of typed objects (422), request errors as a flat
`detail` string with `error_type` (and the X-Fal-Error-Type header).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from qcut_ai.services.rehearsal.faults import (
    CONTENT_POLICY_DETAIL,
    HUGE_RESULT_BYTES,
    MODEL_FAILED_DETAIL,
    VALIDATION_MSG,
)
from qcut_ai.services.rehearsal.state import Job
from qcut_ai.services.rehearsal.storage import StoredFile

LLM_ENDPOINTS = ("fal-ai/any-llm",)
CANCELLED_DETAIL = "Request was cancelled by the client."
ERRORS_DOC = "https://docs.fal.ai/errors"
_ENHANCER_STYLE = (
    "cinematic composition, soft natural light, smooth camera movement, rich fine detail"
)

Response = tuple[int, Any, dict[str, str]]


def is_llm(endpoint: str) -> bool:
    return any(endpoint == e or endpoint.startswith(e + "/") for e in LLM_ENDPOINTS)


def enhance_prompt(arguments: dict[str, Any]) -> str:
    """A deterministic rewrite of the prompt, standing in for an LLM enhancer."""
    prompt = re.sub(r"\s+", " ", str(arguments.get("prompt", ""))).strip()
    if not prompt:
        return f"A calm establishing shot of an open landscape, {_ENHANCER_STYLE}."
    return f"{prompt.rstrip('.')}. Shot details: {_ENHANCER_STYLE}."


def llm_output(arguments: dict[str, Any]) -> dict[str, Any]:
    return {"output": enhance_prompt(arguments), "partial": False, "reasoning": None, "error": None}


def seed_for(job: Job) -> int:
    seed = job.arguments.get("seed")
    if isinstance(seed, int) and not isinstance(seed, bool):
        return seed
    return int.from_bytes(hashlib.sha1(job.request_id.encode()).digest()[:4], "big")


def video_output(job: Job, stored: StoredFile, base_url: str) -> dict[str, Any]:
    output: dict[str, Any] = {
        "video": {
            "url": base_url + stored.url_path,
            "content_type": stored.content_type,
            "file_name": stored.url_path.rsplit("/", 1)[-1],
            "file_size": stored.path.stat().st_size,
        },
        "seed": seed_for(job),
    }
    if "sora" in job.endpoint:
        output["video_id"] = "video_" + hashlib.sha1(job.request_id.encode()).hexdigest()[:24]
    return output


def job_error(job: Job) -> tuple[str, str | None] | None:
    """(error, error_type) for a job that ended without a result, else None."""
    if job.cancelled_at is not None:
        return CANCELLED_DETAIL, "client_cancelled"
    failure = job.failure.name if job.failure else None
    if failure == "http-422-validation":
        return f"Unprocessable Entity: duration: {VALIDATION_MSG}", None
    if failure == "content-policy":
        return CONTENT_POLICY_DETAIL, "content_policy_violation"
    if failure == "model-error":
        return MODEL_FAILED_DETAIL, "runner_server_error"
    if job.work_error is not None:
        return job.work_error, "runner_server_error"
    return None


def result_response(job: Job, completed: bool) -> Response:
    """The status code, body and headers of GET .../requests/{id}."""
    if not completed:
        return 400, {"detail": "Request is still in progress."}, {}
    if job.cancelled_at is not None:
        return 400, {"detail": CANCELLED_DETAIL, "error_type": "client_cancelled"}, {}
    failure = job.failure.name if job.failure else None
    if failure == "http-422-validation":
        item = {
            "loc": ["body", "duration"],
            "msg": VALIDATION_MSG,
            "type": "literal_error",
            "url": f"{ERRORS_DOC}#literal_error",
            "ctx": {"expected": "'4s', '6s' or '8s'"},
            "input": job.arguments.get("duration"),
        }
        return 422, {"detail": [item]}, {"X-Fal-Retryable": "false"}
    if failure == "content-policy":
        item = {
            "loc": ["body", "prompt"],
            "msg": CONTENT_POLICY_DETAIL,
            "type": "content_policy_violation",
            "url": f"{ERRORS_DOC}#content_policy_violation",
            "input": job.arguments.get("prompt"),
        }
        return 422, {"detail": [item]}, {"X-Fal-Retryable": "false"}
    error = job_error(job)
    if error is not None:
        body = {"detail": error[0], "error_type": error[1]}
        return 500, body, {"X-Fal-Error-Type": str(error[1])}
    if failure == "huge-result":
        # A well-formed success whose JSON carries a huge field nobody needs.
        return 200, {**(job.output or {}), "debug_dump": "x" * HUGE_RESULT_BYTES}, {}
    return 200, job.output or {}, {}
