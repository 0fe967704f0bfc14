"""Testing a fal key with one free, authenticated request."""

from __future__ import annotations

import uuid

from qcut_ai.core.errors import AccountError, AuthError, FalError
from qcut_ai.core.keys import KeyCheck
from qcut_ai.services.fal_errors import DASHBOARD_BILLING, map_exception
from qcut_ai.services.fal_gateway import FalGateway, Submission

# Any real app works: fal checks the key before it looks up the request.
KEY_CHECK_APP = "fal-ai/kling-video"


def check_key(key: str, base_url: str | None = None) -> KeyCheck:
    """Ask fal about a request that does not exist: free, and authenticated.

    fal answers 401 for a key it does not know and 404 once the key has passed.
    With `base_url` (QCUT_AI_FAL_URL, not applied to fal-client yet) the probe
    goes there; otherwise through fal-client's own call for a stored request id.
    """
    rid = str(uuid.uuid4())
    # The probe's own base decides where the key may go, whatever fal-client was
    # last pointed at (an offline stand-in, say).
    gateway = FalGateway(key, base_url=base_url)
    try:
        if base_url:
            root = f"{base_url}/{KEY_CHECK_APP}/requests/{rid}"
            gateway.result(Submission(KEY_CHECK_APP, rid, root + "/status", root, root + "/cancel"))
        else:
            try:
                gateway.client.status(KEY_CHECK_APP, rid)
            except Exception as exc:
                raise map_exception(exc, stage="checking the key", request_id=rid) from exc
    except AuthError:
        return KeyCheck(
            False,
            "The key was refused: fal does not know it. Copy it again from fal.ai/dashboard/keys.",
        )
    except AccountError:
        return KeyCheck(
            False,
            "The key was refused: fal says the account is locked or out of credit. "
            f"Check billing at {DASHBOARD_BILLING}.",
        )
    except FalError as exc:
        if exc.status_code == 404:
            return KeyCheck(True, "fal accepted the key.")
        if exc.status_code is None:
            cause = type(exc.__cause__).__name__ if exc.__cause__ else "no answer"
            return KeyCheck(
                False,
                f"The key could not be tested: fal could not be reached ({cause}). "
                "Check your internet connection or proxy and try again.",
            )
        return KeyCheck(False, f"The key could not be confirmed: {exc.user_text()}")
    finally:
        gateway.close()
    return KeyCheck(True, "fal accepted the key.")
