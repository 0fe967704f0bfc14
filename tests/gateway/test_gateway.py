"""The fal gateway with the real fal-client against the stand-in: every failure, one sentence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import fal_client.client as fc
import pytest

from qcut_ai.core.errors import (
    AccountError,
    AmbiguousSubmitError,
    AuthError,
    CancelledError,
    MissingKeyError,
    ModelFailedError,
    RateLimitedError,
    RejectedRequestError,
    StuckJobError,
    TransientError,
)
from qcut_ai.services.fal_endpoints import (
    PATCHED_CONSTANTS,
    apply_base_url,
    restore_constants,
)
from qcut_ai.services.fal_gateway import FalGateway, PollPolicy
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.services.secrets import require_key

KLING = "fal-ai/kling-video/v2.5-turbo/pro/text-to-video"
VEO_FAST = "fal-ai/veo3/fast"
ARGS = {"prompt": "a fox in snow", "duration": "5"}
FAST_POLL = PollPolicy(interval_s=0.05, max_interval_s=0.1, rate_limit_backoff_s=0.05)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn(profile="instant") as server:
        previous = apply_base_url(server.base_url)
        try:
            yield server
        finally:
            restore_constants(previous)


@pytest.fixture
def gateway(standin: StandIn) -> Iterator[FalGateway]:
    gw = FalGateway(OFFLINE_KEY, poll=FAST_POLL)
    yield gw
    gw.close()


def _run(
    gw: FalGateway, endpoint: str = KLING, args: dict[str, object] = ARGS
) -> dict[str, object]:
    sub = gw.submit(endpoint, args)
    gw.wait(sub, typical_seconds=30)
    return gw.result(sub)


def test_happy_path_uses_the_returned_urls(gateway: FalGateway, standin: StandIn) -> None:
    seen = []
    sub = gateway.submit(VEO_FAST, {"prompt": "city at night", "duration": "4s"})
    # fal drops the model sub-path in the URLs it returns; they are kept verbatim.
    assert "/fast/" not in sub.status_url and sub.status_url.endswith("/status")
    gateway.wait(sub, typical_seconds=30, on_status=seen.append)
    result = gateway.result(sub)
    assert str(result["video"]["url"]).startswith(standin.base_url)  # type: ignore[index]
    assert seen[-1].state == "COMPLETED"
    assert {s.state for s in seen} >= {"COMPLETED"}
    assert len(standin.submissions) == 1
    # One status stream carries every change: one request, however long the job.
    assert standin.status_polls[sub.request_id] == 1


def test_lost_submit_response_is_never_resubmitted(gateway: FalGateway, standin: StandIn) -> None:
    standin.inject("drop-submit")
    with pytest.raises(AmbiguousSubmitError) as err:
        gateway.submit(KLING, ARGS)
    assert "not sent again" in err.value.user_text()
    assert "dashboard" in err.value.user_text()
    assert len(standin.submissions) == 1  # accepted once by the server, never twice


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        ("http-401", AuthError, ["fal key was refused", "Settings"]),
        ("http-403-locked", AccountError, ["no credit", "fal.ai/dashboard/billing"]),
        ("http-422-access", AccountError, ["good standing", "fal.ai/dashboard/billing"]),
        ("http-500", TransientError, ["server error (500)", "try again"]),
    ],
)
def test_submit_refusals_become_one_clear_sentence(
    gateway: FalGateway, standin: StandIn, fault: str, error: type[Exception], words: list[str]
) -> None:
    standin.inject(fault)
    with pytest.raises(error) as err:
        gateway.submit(KLING, ARGS)
    text = str(err.value)
    for word in words:
        assert word in text
    assert "[object Object]" not in text and "{'" not in text


def test_rate_limited_submit_is_retried_with_backoff(gateway: FalGateway, standin: StandIn) -> None:
    standin.inject("http-429", times=2)
    sub = gateway.submit(KLING, ARGS)
    assert sub.request_id
    assert len(standin.submissions) == 1


def test_rate_limit_that_persists_is_reported(gateway: FalGateway, standin: StandIn) -> None:
    standin.inject("http-429", times=None)
    with pytest.raises(RateLimitedError, match="rate limiting"):
        gateway.submit(KLING, ARGS)
    assert standin.submissions == []


def test_validation_error_names_the_field(gateway: FalGateway, standin: StandIn) -> None:
    with pytest.raises(RejectedRequestError) as err:
        _run(gateway, KLING, {**ARGS, "prompt": "fox [fault:http-422-validation]"})
    assert "duration" in str(err.value) and "'4s', '6s' or '8s'" in str(err.value)


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("model-error", ["model failed", "failed while generating"]),
        ("content-policy", ["content-policy", "Rephrase"]),
    ],
)
def test_model_failures_give_the_reason(
    gateway: FalGateway, standin: StandIn, fault: str, words: list[str]
) -> None:
    with pytest.raises(ModelFailedError) as err:
        _run(gateway, KLING, {**ARGS, "prompt": f"fox [fault:{fault}]"})
    for word in words:
        assert word in str(err.value)
    assert err.value.request_id


@pytest.mark.parametrize("fault", ["drop-status", "http-429-status"])
def test_transient_status_faults_are_retried_without_resubmitting(
    gateway: FalGateway, standin: StandIn, fault: str
) -> None:
    standin.inject(fault)
    result = _run(gateway)
    assert "video" in result
    assert len(standin.submissions) == 1


@pytest.mark.parametrize("fault", ["status-non-json", "status-unknown"])
def test_unreadable_status_is_reported(gateway: FalGateway, standin: StandIn, fault: str) -> None:
    sub = gateway.submit(KLING, ARGS)
    # One garbled answer is absorbed (the stream gives way to polling); one that
    # stays unreadable is reported.
    standin.inject(fault, times=None)
    with pytest.raises(TransientError, match="could not read"):
        gateway.wait(sub, typical_seconds=30)


def test_a_job_past_its_deadline_is_reported_stuck_with_its_request_id() -> None:
    with StandIn(profile="fast") as server:
        previous = apply_base_url(server.base_url)
        gw = FalGateway(OFFLINE_KEY, poll=PollPolicy(0.05, 0.1, 1.25, 1.0, 0.3))
        try:
            sub = gw.submit(KLING, ARGS)
            with pytest.raises(StuckJobError) as err:
                gw.wait(sub, typical_seconds=0.1)
            assert sub.request_id in str(err.value)
        finally:
            gw.close()
            restore_constants(previous)


def test_cancel_in_queue_and_after_completion() -> None:
    with StandIn(profile="fast") as server:
        previous = apply_base_url(server.base_url)
        gw = FalGateway(OFFLINE_KEY, poll=FAST_POLL)
        try:
            queued = gw.submit(KLING, ARGS)
            assert gw.cancel(queued) is True
            assert [c.request_id for c in server.cancels] == [queued.request_id]
            with pytest.raises(ModelFailedError):
                gw.wait(queued, typical_seconds=30)
            aborted = gw.submit(KLING, ARGS)
            with pytest.raises(CancelledError):
                gw.wait(aborted, typical_seconds=30, abort=lambda: True)
        finally:
            gw.close()
            restore_constants(previous)


def test_cancel_after_completion_keeps_the_result(gateway: FalGateway) -> None:
    sub = gateway.submit(KLING, ARGS)
    gateway.wait(sub, typical_seconds=30)
    assert gateway.cancel(sub) is False
    assert "video" in gateway.result(sub)


def test_connection_refused_is_transient_and_quick() -> None:
    previous = apply_base_url("http://127.0.0.1:9")  # discard port: nothing listens
    gw = FalGateway(OFFLINE_KEY, poll=FAST_POLL)
    try:
        with pytest.raises(TransientError, match="refused"):
            gw.submit(KLING, ARGS)
    finally:
        gw.close()
        restore_constants(previous)


def test_missing_key_offers_offline_preview_and_settings() -> None:
    with pytest.raises(MissingKeyError) as err:
        require_key()
    assert "offline" in str(err.value) and "key set" in str(err.value)


def test_upload_goes_through_fal_storage(
    gateway: FalGateway, standin: StandIn, tmp_path: Path
) -> None:
    image = tmp_path / "frame.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    url = gateway.upload_file(str(image))
    assert url.startswith(standin.base_url)
    assert len(standin.uploads) == 1


def test_canary_fal_client_internals_the_override_relies_on(standin: StandIn) -> None:
    """Fails loudly if a fal-client upgrade renames what the loopback override patches."""
    for name in PATCHED_CONSTANTS:
        assert getattr(fc, name).startswith(standin.base_url), name
    assert callable(fc._request)
    gw = FalGateway(OFFLINE_KEY)
    try:
        assert gw.client._client.headers["Authorization"] == f"Key {OFFLINE_KEY}"
    finally:
        gw.close()
    second = FalGateway(OFFLINE_KEY)
    try:
        sub = second.submit(KLING, ARGS)
    finally:
        second.close()
    assert sub.status_url.startswith(standin.base_url)
    assert len(standin.submissions) == 1


def test_a_hanging_submit_times_out_as_uncertain_and_is_not_resent() -> None:
    with StandIn(profile="instant", hang_seconds=3.0) as server:
        previous = apply_base_url(server.base_url)
        gw = FalGateway(OFFLINE_KEY, poll=FAST_POLL, submit_timeout_s=0.5)
        try:
            server.inject("hang")
            with pytest.raises(AmbiguousSubmitError, match="may or may not"):
                gw.submit(KLING, ARGS)
            assert len(server.submissions) <= 1  # never a second POST
        finally:
            gw.close()
            restore_constants(previous)
