"""FalGateway.wait follows fal's status stream: real fal-client, real stand-in, real HTTP."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse

from qcut_ai.core.errors import (
    CancelledError,
    ModelFailedError,
    RejectedRequestError,
    StuckJobError,
    TransientError,
)
from qcut_ai.services.fal_endpoints import apply_base_url, restore_constants
from qcut_ai.services.fal_gateway import FalGateway, PollPolicy, RemoteStatus
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn, queue_api
from qcut_ai.services.rehearsal.sse import EventStream

KLING = "fal-ai/kling-video/v2.5-turbo/pro/text-to-video"
ARGS = {"prompt": "a fox in snow", "duration": "5"}
FAST_POLL = PollPolicy(interval_s=0.05, max_interval_s=0.1, rate_limit_backoff_s=0.05)
FALLBACK_LINE = "polling instead"


@pytest.fixture
def gateway(standin: StandIn, monkeypatch: pytest.MonkeyPatch) -> Iterator[FalGateway]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost,::1")
    previous = apply_base_url(standin.base_url)
    gw = FalGateway(OFFLINE_KEY, poll=FAST_POLL)
    try:
        yield gw
    finally:
        gw.close()
        restore_constants(previous)


def _fallbacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if FALLBACK_LINE in r.getMessage()]


def test_completion_is_seen_from_one_status_request(
    gateway: FalGateway, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    # Polls every 30 s would make this test crawl; the stream needs no poll at all.
    gateway.poll = PollPolicy(interval_s=30.0, max_interval_s=30.0)
    naps: list[float] = []
    seen: list[RemoteStatus] = []
    sub = gateway.submit(KLING, ARGS)
    done = gateway.wait(sub, typical_seconds=30, on_status=seen.append, sleep=naps.append)
    assert done.state == "COMPLETED" and done.error is None
    assert seen[-1] == done
    assert standin.status_polls[sub.request_id] == 1
    assert naps == []
    assert "video" in gateway.result(sub)
    assert _fallbacks(caplog) == []


def test_queue_position_and_logs_reach_on_status_like_a_poll(
    gateway: FalGateway, standin: StandIn
) -> None:
    seen: list[RemoteStatus] = []
    sub = gateway.submit(KLING, {**ARGS, "prompt": "harbour [queue:0.6] [generate:0.6]"})
    gateway.wait(sub, typical_seconds=30, on_status=seen.append)
    positions = [s.queue_position or 0 for s in seen if s.state == "IN_QUEUE"]
    assert positions == sorted(positions, reverse=True) and len(set(positions)) >= 2
    running = [s for s in seen if s.state == "IN_PROGRESS"]
    assert running and len(running[-1].logs) > len(running[0].logs)
    assert all(isinstance(s, RemoteStatus) for s in seen)
    # Each status is handed on once, in the order fal reported it.
    assert all(a != b for a, b in itertools.pairwise(seen))
    # The stream's statuses are parsed exactly as a poll's.
    assert gateway.status(sub) == seen[-1]
    assert seen[-1].logs[-1]["message"] == "Uploading result"
    assert standin.status_polls[sub.request_id] == 2  # the stream and the poll above


def test_cancel_while_the_stream_is_idle_stops_waiting(
    gateway: FalGateway, standin: StandIn
) -> None:
    sub = gateway.submit(KLING, {**ARGS, "prompt": "a long queue [queue:60]"})
    first_status = threading.Event()
    cancel = threading.Event()
    # The cancel comes while the stream has nothing new to say.
    timer = threading.Timer(0.3, cancel.set)

    def on_status(st: RemoteStatus) -> None:
        if not first_status.is_set():
            first_status.set()
            timer.start()

    try:
        with pytest.raises(CancelledError):
            gateway.wait(sub, typical_seconds=600, on_status=on_status, abort=cancel.is_set)
    finally:
        timer.cancel()
    job = standin.jobs.get(sub.request_id)
    assert job is not None and not job.is_completed(time.monotonic())
    assert standin.status_polls[sub.request_id] == 1
    assert standin.cancels == []  # stopping the wait is not a cancel at fal


def test_a_job_past_its_deadline_is_reported_stuck_and_kept(
    gateway: FalGateway, standin: StandIn
) -> None:
    gateway.poll = PollPolicy(0.05, 0.1, 1.25, 1.0, 0.3)
    sub = gateway.submit(KLING, {**ARGS, "prompt": "slow [queue:30]"})
    with pytest.raises(StuckJobError) as err:
        gateway.wait(sub, typical_seconds=0.1)
    assert sub.request_id in str(err.value)
    assert standin.status_polls[sub.request_id] == 1
    assert standin.cancels == []


@pytest.mark.parametrize(
    ("fault", "times"),
    [
        ("http-429-status", 3),
        ("drop-status", 3),
        ("hang-status", 3),
        ("status-non-json", 1),
        ("status-unknown", 1),
    ],
)
def test_a_broken_stream_falls_back_to_polling_and_the_job_completes(
    gateway: FalGateway,
    standin: StandIn,
    caplog: pytest.LogCaptureFixture,
    fault: str,
    times: int,
) -> None:
    caplog.set_level(logging.INFO, logger="qcut_ai.services.status_stream")
    standin.hang_seconds = 0.2
    seen: list[RemoteStatus] = []
    sub = gateway.submit(KLING, ARGS)
    standin.inject(fault, times=times)
    done = gateway.wait(sub, typical_seconds=30, on_status=seen.append)
    assert done.state == "COMPLETED" and seen[-1] == done
    assert "video" in gateway.result(sub)
    assert len(standin.submissions) == 1
    assert standin.faults.pending() == []  # every stream attempt hit the fault
    assert standin.status_polls[sub.request_id] > times  # then polls took over
    assert len(_fallbacks(caplog)) == 1


def test_a_dropped_stream_reconnects_without_falling_back(
    gateway: FalGateway, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="qcut_ai.services.status_stream")
    sub = gateway.submit(KLING, ARGS)
    standin.inject("drop-status")
    gateway.wait(sub, typical_seconds=30)
    assert standin.status_polls[sub.request_id] == 2
    assert _fallbacks(caplog) == []


def _no_stream(h: Any, app_path: str, request_id: str, query: dict[str, str]) -> None:
    h.send_json(405, {"detail": "Method Not Allowed"})


def _stream_that_stops_early(h: Any, app_path: str, request_id: str, query: Any) -> None:
    h.app.count_poll(request_id)
    stream = EventStream(h)
    stream.send({"status": "IN_QUEUE", "queue_position": 0})
    stream.end()


@pytest.mark.parametrize("server", [_no_stream, _stream_that_stops_early])
def test_a_server_without_a_usable_stream_is_polled(
    gateway: FalGateway,
    standin: StandIn,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    server: Any,
) -> None:
    caplog.set_level(logging.INFO, logger="qcut_ai.services.status_stream")
    monkeypatch.setattr(queue_api, "status_stream", server)
    sub = gateway.submit(KLING, ARGS)
    assert gateway.wait(sub, typical_seconds=30).state == "COMPLETED"
    assert len(_fallbacks(caplog)) == 1


@pytest.mark.parametrize(
    ("tag", "error", "words"),
    [
        ("model-error", ModelFailedError, "failed while generating"),
        ("http-422-validation", RejectedRequestError, "'4s', '6s' or '8s'"),
    ],
)
def test_a_job_that_completes_with_an_error_raises_the_models_reason(
    gateway: FalGateway, standin: StandIn, tag: str, error: type[Exception], words: str
) -> None:
    sub = gateway.submit(KLING, {**ARGS, "prompt": f"fox [fault:{tag}]"})
    with pytest.raises(error) as err:
        gateway.wait(sub, typical_seconds=30)
    assert words in str(err.value)
    assert standin.status_polls[sub.request_id] == 1


@pytest.mark.parametrize("fault", ["status-non-json", "status-unknown"])
def test_a_status_that_stays_unreadable_is_still_reported(
    gateway: FalGateway, standin: StandIn, fault: str
) -> None:
    sub = gateway.submit(KLING, ARGS)
    standin.inject(fault, times=None)
    with pytest.raises(TransientError, match="could not read"):
        gateway.wait(sub, typical_seconds=30)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(headers={"Authorization": f"Key {OFFLINE_KEY}"}, timeout=10) as client:
        yield client


def _open_stream(client: httpx.Client, standin: StandIn, prompt: str) -> Any:
    answer = client.post(f"{standin.base_url}/{KLING}", json={"prompt": prompt}).json()
    return connect_sse(client, "GET", answer["status_url"] + "/stream", params={"logs": "1"})


def test_the_standin_stream_is_sse_and_ends_after_completed(
    standin: StandIn, http: httpx.Client
) -> None:
    with _open_stream(http, standin, "fox [queue:0.2] [generate:0.2]") as source:
        assert source.response.headers["content-type"].startswith("text/event-stream")
        states = [event.json()["status"] for event in source.iter_sse()]
    assert states[0] == "IN_QUEUE" and states[-1] == "COMPLETED"
    assert states.count("COMPLETED") == 1


def test_an_idle_stream_does_not_hold_up_the_standins_shutdown(
    standin: StandIn, http: httpx.Client
) -> None:
    with _open_stream(http, standin, "fox [queue:60]") as source:
        events = source.iter_sse()
        assert next(events).json()["status"] == "IN_QUEUE"
        standin.stop()
        with pytest.raises(httpx.RemoteProtocolError):
            next(events)
