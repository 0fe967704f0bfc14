"""Each injected fault behaves, against the real fal-client, as described."""

from __future__ import annotations

import json
from typing import Any

import fal_client
import fal_client.client as fal_module
import httpx
import pytest

from qcut_ai.services.rehearsal import FAULTS_ENV, StandIn
from qcut_ai.services.rehearsal.faults import ACCESS_DENIED_DETAIL, ACCOUNT_LOCKED_DETAIL

VEO = "fal-ai/veo3/fast"
KLING = "fal-ai/kling-video/v2/master/text-to-video"


def _video_url(client: fal_client.SyncClient) -> str:
    result = client.subscribe(VEO, {"prompt": "p", "duration": 1}, interval=0.05)
    return str(result["video"]["url"])


@pytest.mark.parametrize(
    ("fault", "status", "detail"),
    [
        ("http-401", 401, None),
        ("http-403-locked", 403, ACCOUNT_LOCKED_DETAIL),
        ("http-422-access", 422, ACCESS_DENIED_DETAIL),
        ("http-500", 500, None),
    ],
)
def test_submit_refusals(
    standin: StandIn, fal_client_for: Any, few_retries: None, fault: str, status: int, detail: Any
) -> None:
    standin.inject(fault)
    client = fal_client_for(standin)
    with pytest.raises(fal_client.FalClientHTTPError) as caught:
        client.submit(VEO, {"prompt": "x"})
    assert caught.value.status_code == status
    if detail is not None:
        assert caught.value.message == detail
    assert standin.submissions == []
    assert client.submit(VEO, {"prompt": "x"}).request_id  # used up after one time


def test_429_on_submit_and_status_is_retried_by_the_client(
    standin: StandIn, fal_client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fal_module, "BASE_DELAY", 0.01)
    standin.inject("http-429")
    standin.inject("http-429-status")
    client = fal_client_for(standin)
    handle = client.submit(VEO, {"prompt": "[queue:5]"})
    assert isinstance(handle.status(), fal_client.Queued)
    assert len(standin.submissions) == 1
    assert standin.status_polls[handle.request_id] == 2


def test_hanging_submit_times_out(standin: StandIn, fal_client_for: Any, few_retries: None) -> None:
    standin.hang_seconds = 2.0
    standin.inject("hang")
    with pytest.raises(httpx.ReadTimeout):
        fal_client_for(standin, default_timeout=0.3).submit(VEO, {"prompt": "x"})
    assert standin.submissions == []


def test_hanging_status_times_out(
    standin: StandIn, fal_client_for: Any, few_retries: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fal_module, "QUEUE_POLL_TIMEOUT", httpx.Timeout(0.3))
    standin.hang_seconds = 2.0
    handle = fal_client_for(standin).submit(VEO, {"prompt": "x"})
    standin.inject("hang-status")
    with pytest.raises(httpx.ReadTimeout):
        handle.status()


def test_dropped_submit_response_still_creates_the_job(
    standin: StandIn, fal_client_for: Any, few_retries: None
) -> None:
    standin.inject("drop-submit")
    with pytest.raises(httpx.TransportError):
        fal_client_for(standin).submit(VEO, {"prompt": "accepted but lost"})
    [submission] = standin.submissions
    assert submission.arguments == {"prompt": "accepted but lost"}
    assert standin.jobs.get(submission.request_id) is not None


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("drop-status", httpx.TransportError),
        ("status-non-json", ValueError),
        ("status-unknown", ValueError),
    ],
)
def test_broken_status_answers(
    standin: StandIn, fal_client_for: Any, few_retries: None, fault: str, error: type
) -> None:
    handle = fal_client_for(standin).submit(VEO, {"prompt": "[queue:5]"})
    standin.inject(fault)
    with pytest.raises(error):
        handle.status()
    assert isinstance(handle.status(), fal_client.Queued)  # the next poll is fine


def test_model_error_completes_with_an_error(standin: StandIn, fal_client_for: Any) -> None:
    standin.inject("model-error")
    handle = fal_client_for(standin).submit(VEO, {"prompt": "x"})
    final = list(handle.iter_events(interval=0.05))[-1]
    assert isinstance(final, fal_client.Completed)
    assert final.error and final.error_type == "runner_server_error"
    with pytest.raises(fal_client.FalClientHTTPError) as caught:
        handle.get()
    assert caught.value.status_code == 500
    assert caught.value.error_type == "runner_server_error"


def test_content_policy_refusal_from_a_prompt_tag(standin: StandIn, fal_client_for: Any) -> None:
    handle = fal_client_for(standin).submit(VEO, {"prompt": "x [fault:content-policy]"})
    final = list(handle.iter_events(interval=0.05))[-1]
    assert isinstance(final, fal_client.Completed)
    assert final.error_type == "content_policy_violation"
    with pytest.raises(fal_client.FalClientHTTPError) as caught:
        handle.get()
    assert caught.value.status_code == 422
    detail: Any = caught.value.message  # fal-client puts the 422 detail list here
    [item] = detail
    assert item["type"] == "content_policy_violation" and item["loc"] == ["body", "prompt"]


def test_validation_error_is_a_detail_list(standin: StandIn, fal_client_for: Any) -> None:
    standin.inject("http-422-validation")
    handle = fal_client_for(standin).submit(VEO, {"prompt": "x", "duration": "5s"})
    with pytest.raises(fal_client.FalClientHTTPError) as caught:
        handle.get(interval=0.05)
    assert caught.value.status_code == 422
    detail: Any = caught.value.message  # fal-client puts the 422 detail list here
    [item] = detail
    assert item["loc"] == ["body", "duration"] and item["msg"] and item["type"]


def test_cancel_that_arrives_after_completion(standin: StandIn, fal_client_for: Any) -> None:
    standin.inject("cancel-after-completion")
    handle = fal_client_for(standin).submit(VEO, {"prompt": "[queue:30]", "duration": 1})
    with pytest.raises(fal_client.FalClientHTTPError) as caught:
        handle.cancel()
    assert caught.value.status_code == 400
    status = handle.status()
    assert isinstance(status, fal_client.Completed) and status.error is None
    assert handle.get()["video"]["url"]


@pytest.mark.parametrize(
    ("fault", "status", "content_type"),
    [
        ("file-404", 404, "application/json"),
        ("file-403", 403, "application/xml"),
        ("file-html", 200, "text/html; charset=utf-8"),
    ],
)
def test_result_url_that_is_not_the_video(
    standin: StandIn, fal_client_for: Any, fault: str, status: int, content_type: str
) -> None:
    url = _video_url(fal_client_for(standin))
    standin.inject(fault)
    with httpx.Client() as http:
        response = http.get(url)
        again = http.get(url)
    assert (response.status_code, response.headers["Content-Type"]) == (status, content_type)
    assert again.status_code == 200 and again.headers["Content-Type"] == "video/mp4"
    assert standin.downloads[-2].fault == fault


def test_truncated_empty_and_huge_files(standin: StandIn, fal_client_for: Any) -> None:
    client = fal_client_for(standin)
    url = _video_url(client)
    with httpx.Client() as http:
        size = len(http.get(url).content)
        standin.inject("file-truncated")
        assert 0 < len(http.get(url).content) < size
        standin.inject("file-empty")
        empty = http.get(url)
        assert empty.status_code == 200 and empty.content == b""
        standin.inject("file-huge")
        with http.stream("GET", url) as response:
            assert int(response.headers["Content-Length"]) == 50 * 1024**3
            with pytest.raises(httpx.RemoteProtocolError):
                response.read()


@pytest.mark.parametrize(
    ("fault", "location"),
    [("redirect-host", "http://example.invalid/files/"), ("redirect-file", "file://")],
)
def test_redirects_away_from_the_stand_in(
    standin: StandIn, fal_client_for: Any, fault: str, location: str
) -> None:
    url = _video_url(fal_client_for(standin))
    standin.inject(fault)
    with httpx.Client() as http:
        response = http.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(location)


def test_download_cut_off_then_resumed_with_range(standin: StandIn, fal_client_for: Any) -> None:
    url = _video_url(fal_client_for(standin))
    with httpx.Client() as http:
        full = http.get(url).content
        standin.inject("drop-download")
        received = bytearray()
        with pytest.raises(httpx.RemoteProtocolError), http.stream("GET", url) as response:
            for chunk in response.iter_bytes():
                received += chunk
        assert 0 < len(received) < len(full)
        rest = http.get(url, headers={"Range": f"bytes={len(received)}-"})
    assert bytes(received) + rest.content == full


def test_faults_from_the_environment_and_by_endpoint(
    tmp_path: Any, fal_client_for: Any, few_retries: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FAULTS_ENV, "http-500*2")
    with StandIn(media_dir=tmp_path) as server:
        client = fal_client_for(server)
        for _ in range(2):
            with pytest.raises(fal_client.FalClientHTTPError):
                client.submit(VEO, {"prompt": "x"})
        assert client.submit(VEO, {"prompt": "x"}).request_id
        server.inject("http-401", times=None, endpoint="fal-ai/veo3")
        assert client.submit(KLING, {"prompt": "x"}).request_id
        with pytest.raises(fal_client.FalClientHTTPError):
            client.submit(VEO, {"prompt": "x"})


def test_transient_prompt_tag_lets_the_retry_through(
    standin: StandIn, fal_client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fal_module, "BASE_DELAY", 0.01)
    client = fal_client_for(standin)
    handle = client.submit(VEO, {"prompt": "x [fault:http-429] [fault:drop-status]"})
    assert len(standin.submissions) == 1
    handle.get(interval=0.05)  # the dropped poll is retried by the client
    with pytest.raises(fal_client.FalClientHTTPError) as caught:
        client.submit(VEO, {"prompt": "y [fault:http-401]"})
    assert caught.value.status_code == 401


def test_unknown_fault_names_are_refused(standin: StandIn) -> None:
    with pytest.raises(ValueError, match="Unknown stand-in fault"):
        standin.inject("http-999")
    assert json.dumps(standin.faults.pending()) == "[]"
