"""Turn whatever fal-client or httpx raised into one FalError a person can act on.

fal-client raises FalClientHTTPError (whose `message` is a list for 422),
raw httpx errors after its retries, MissingCredentialsError (not a
FalClientError), and KeyError/ValueError for malformed status JSON.
"""

from __future__ import annotations

from typing import Any

from qcut_ai.core.errors import (
    AccountError,
    AuthError,
    FalError,
    MissingKeyError,
    ModelFailedError,
    RateLimitedError,
    RejectedRequestError,
    TransientError,
)

DASHBOARD_BILLING = "https://fal.ai/dashboard/billing"
_ACCOUNT_WORDS = ("good standing", "exhausted balance", "locked", "billing", "insufficient")
_POLICY_WORDS = ("content_policy", "content policy", "safety", "nsfw", "moderation")


def _detail_text(message: Any) -> str:
    """fal sends detail as a string, a dict, or a list of {loc, msg, type}."""
    if isinstance(message, list):
        parts = []
        for item in message:
            if isinstance(item, dict):
                loc = item.get("loc") or []
                field = ".".join(str(p) for p in loc if p != "body") or "request"
                parts.append(f"{field}: {item.get('msg', item)}")
            else:
                parts.append(str(item))
        return "; ".join(parts)
    if isinstance(message, dict):
        return str(message.get("msg") or message.get("detail") or message)
    return str(message).strip()


def _is_account_problem(text: str) -> bool:
    low = text.lower()
    return "access denied" in low or any(w in low for w in _ACCOUNT_WORDS)


def map_http_error(
    status: int, message: Any, *, stage: str, request_id: str | None = None
) -> FalError:
    text = _detail_text(message)
    rid = request_id
    if status == 401:
        return AuthError(
            "The fal key was refused.",
            hint="Set a valid key in Settings (or `qcut-ai key set`).",
            status_code=status,
            request_id=rid,
        )
    if status == 403 or (status == 422 and _is_account_problem(text)):
        return AccountError(
            f"fal refused the request: the account has no credit or is not in good standing "
            f"({text[:160]}).",
            hint=f"Check billing at {DASHBOARD_BILLING}.",
            status_code=status,
            request_id=rid,
        )
    if status == 422 and any(w in str(message).lower() for w in _POLICY_WORDS):
        return model_failure(text, "content_policy_violation", request_id=rid or "")
    if status == 422:
        return RejectedRequestError(
            f"fal rejected the arguments: {text[:400]}.",
            hint="Change that setting and try again; nothing was generated.",
            status_code=status,
            request_id=rid,
        )
    if status == 429:
        return RateLimitedError(
            f"fal is rate limiting requests while {stage}.",
            hint="Wait a minute or lower concurrency in Settings; accepted jobs were kept.",
            status_code=status,
            request_id=rid,
            retryable=True,
        )
    if status >= 500 or status in (408, 409):
        return TransientError(
            f"fal had a server error ({status}) while {stage}.",
            hint="This is usually temporary; try again shortly.",
            status_code=status,
            request_id=rid,
            retryable=True,
        )
    if status == 404:
        return FalError(
            f"fal does not know this {'request' if rid else 'model'} (404) while {stage}.",
            hint="The result may have expired or the model was retired.",
            status_code=status,
            request_id=rid,
        )
    return FalError(
        f"fal answered {status} while {stage}: {text[:300]}.",
        status_code=status,
        request_id=rid,
    )


def map_exception(exc: BaseException, *, stage: str, request_id: str | None = None) -> FalError:
    """Map any exception from a fal call to a FalError (QcutErrors pass through)."""
    if isinstance(exc, FalError):
        return exc
    import httpx
    from fal_client import FalClientHTTPError
    from fal_client.auth import MissingCredentialsError

    if isinstance(exc, FalClientHTTPError):
        return map_http_error(exc.status_code, exc.message, stage=stage, request_id=request_id)
    if isinstance(exc, MissingCredentialsError):
        return MissingKeyError(
            "No fal key is configured.",
            hint="Save one in Settings, set FAL_KEY, or use offline preview.",
        )
    if isinstance(exc, httpx.TimeoutException):
        return TransientError(
            f"fal did not answer in time while {stage} (after retries).",
            hint="Check your connection; the job was kept and can be resumed.",
            request_id=request_id,
            retryable=True,
        )
    if isinstance(exc, httpx.ConnectError):
        low = str(exc).lower()
        what = (
            "the fal host name could not be resolved"
            if "name or service" in low or "nodename" in low or "getaddrinfo" in low
            else "the connection to fal was refused"
        )
        return TransientError(
            f"{what[0].upper()}{what[1:]} while {stage} (after retries).",
            hint="Check your internet connection or proxy, then try again.",
            request_id=request_id,
            retryable=True,
        )
    if isinstance(exc, httpx.HTTPError):
        return TransientError(
            f"The connection to fal failed while {stage} ({type(exc).__name__}).",
            hint="Check your connection; the job was kept and can be resumed.",
            request_id=request_id,
            retryable=True,
        )
    if isinstance(exc, (KeyError, ValueError)):
        return TransientError(
            f"fal sent a response qcut-ai could not read while {stage} ({exc}).",
            hint="Try again; if it persists, report it with the request id.",
            request_id=request_id,
            retryable=True,
        )
    raise exc


def model_failure(error: Any, error_type: str | None, *, request_id: str) -> ModelFailedError:
    """A job that COMPLETED with an error: the model's own reason."""
    # fal's detail often ends in a full stop; ours follows it.
    text = _detail_text(error).rstrip(" .") or "no reason given"
    kind = (error_type or "").lower()
    if any(w in kind or w in text.lower() for w in _POLICY_WORDS):
        return ModelFailedError(
            f"The model refused the request on content-policy grounds: {text[:300]}.",
            hint="Rephrase the prompt or change the input image; fal does not bill refusals.",
            request_id=request_id,
        )
    suffix = f" [{error_type}]" if error_type else ""
    return ModelFailedError(
        f"The model failed: {text[:300]}{suffix}.",
        hint="Retry, or try another model; fal does not bill failed jobs.",
        request_id=request_id,
    )
