"""The real fal-client against the stand-in: queue lifecycle, media, cancel, uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import fal_client
import fal_client.client as fal_module
import httpx
import pytest

from qcut_ai.services.rehearsal import StandIn

VEO = "fal-ai/veo3/fast"


def _download(url: str, target: Path) -> Path:
    with httpx.Client() as http:
        response = http.get(url)
    assert response.status_code == 200
    target.write_bytes(response.content)
    return target


def _probe(path: Path) -> tuple[float, float, bool]:
    """(width/height, duration in s, has audio) of a video file."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        aspect = video.codec_context.width / video.codec_context.height
        assert container.duration is not None
        duration = container.duration / 1_000_000
        return aspect, duration, bool(container.streams.audio)


def test_full_lifecycle_with_positions_logs_and_a_real_video(
    standin: StandIn, fal_client_for: Any, tmp_path: Path
) -> None:
    client = fal_client_for(standin)
    arguments = {
        "prompt": "a heron lands on a pier [queue:0.6]",
        "duration": "3s",
        "aspect_ratio": "9:16",
        "resolution": "720p",
        "generate_audio": True,
    }
    handle = client.submit(VEO, arguments)
    assert (
        handle.status_url == f"{standin.base_url}/fal-ai/veo3/requests/{handle.request_id}/status"
    )

    events = list(handle.iter_events(with_logs=True, interval=0.05))
    positions = [e.position for e in events if isinstance(e, fal_client.Queued)]
    assert positions[0] >= 1 and 0 in positions
    assert positions == sorted(positions, reverse=True)
    running = [e for e in events if isinstance(e, fal_client.InProgress)]
    assert running and all(isinstance(e.logs, list) for e in running)
    final = events[-1]
    assert isinstance(final, fal_client.Completed) and final.error is None
    messages = [line["message"] for line in final.logs or []]
    assert "Generating frames 50%" in messages
    assert {"message", "level", "source", "timestamp"} <= set((final.logs or [])[0])
    assert final.metrics["inference_time"] > 0

    result = handle.get()
    video = result["video"]
    assert video["content_type"] == "video/mp4" and isinstance(result["seed"], int)
    path = _download(video["url"], tmp_path / "out.mp4")
    assert path.stat().st_size == video["file_size"]
    aspect, duration, audio = _probe(path)
    assert aspect == pytest.approx(9 / 16, abs=0.02)
    assert duration == pytest.approx(3.0, abs=0.2)
    assert audio

    [submission] = standin.submissions
    assert submission.endpoint == VEO and submission.arguments == arguments
    assert submission.request_id == handle.request_id
    assert standin.status_polls[handle.request_id] >= len(events)


def test_status_without_logs_reports_null_logs(standin: StandIn, fal_client_for: Any) -> None:
    client = fal_client_for(standin)
    handle = client.submit(VEO, {"prompt": "x [queue:0.05] [generate:1]"})
    seen = list(handle.iter_events(with_logs=False, interval=0.05))
    assert all(getattr(e, "logs", None) is None for e in seen)


def test_sora_without_audio_is_16_9_and_has_video_id(
    standin: StandIn, fal_client_for: Any, tmp_path: Path
) -> None:
    client = fal_client_for(standin)
    result = client.subscribe(
        "fal-ai/sora-2/text-to-video", {"prompt": "city at dusk", "duration": 2}, interval=0.05
    )
    assert result["video_id"].startswith("video_")
    aspect, duration, audio = _probe(_download(result["video"]["url"], tmp_path / "s.mp4"))
    assert aspect == pytest.approx(16 / 9, abs=0.02)
    assert duration == pytest.approx(2.0, abs=0.2)
    assert not audio


def test_request_urls_drop_the_endpoint_sub_path(standin: StandIn, fal_client_for: Any) -> None:
    client = fal_client_for(standin)
    endpoint = "fal-ai/bytedance/seedance/v1/pro/text-to-video"
    handle = client.submit(endpoint, {"prompt": "waves", "duration": "2"})
    base = f"{standin.base_url}/fal-ai/bytedance/requests/{handle.request_id}"
    assert (handle.response_url, handle.cancel_url) == (base, base + "/cancel")
    assert client.get_handle(endpoint, handle.request_id) == handle
    handle.get(interval=0.05)
    assert client.result(endpoint, handle.request_id)["video"]["url"].startswith(standin.base_url)


def test_range_and_head_requests_serve_the_right_bytes(
    standin: StandIn, fal_client_for: Any
) -> None:
    client = fal_client_for(standin)
    url = client.subscribe(VEO, {"prompt": "r", "duration": 1}, interval=0.05)["video"]["url"]
    with httpx.Client() as http:
        full = http.get(url).content
        part = http.get(url, headers={"Range": "bytes=100-199"})
        tail = http.get(url, headers={"Range": "bytes=-10"})
        head = http.head(url)
        beyond = http.get(url, headers={"Range": f"bytes={len(full)}-"})
    assert part.status_code == 206 and part.content == full[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(full)}"
    assert tail.status_code == 206 and tail.content == full[-10:]
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(full))
    assert head.headers["Accept-Ranges"] == "bytes"
    assert head.headers["Content-Type"] == "video/mp4"
    assert beyond.status_code == 416
    assert [d.range for d in standin.downloads if d.method == "GET"][1:3] == [
        "bytes=100-199",
        "bytes=-10",
    ]


def test_cancel_while_queued_ends_the_job_with_an_error(
    standin: StandIn, fal_client_for: Any
) -> None:
    client = fal_client_for(standin)
    handle = client.submit(VEO, {"prompt": "slow one [queue:30]"})
    assert isinstance(handle.status(), fal_client.Queued)
    handle.cancel()
    status = handle.status()
    assert isinstance(status, fal_client.Completed) and status.error
    with pytest.raises(fal_client.FalClientHTTPError) as caught:
        handle.get()
    assert caught.value.status_code == 400
    assert [c.status_code for c in standin.cancels] == [202]


def test_cancel_after_completion_is_refused(standin: StandIn, fal_client_for: Any) -> None:
    client = fal_client_for(standin)
    handle = client.submit(VEO, {"prompt": "done", "duration": 1})
    handle.get(interval=0.05)
    with pytest.raises(fal_client.FalClientHTTPError) as caught:
        handle.cancel()
    assert caught.value.status_code == 400
    assert caught.value.response.json() == {"status": "ALREADY_COMPLETED"}
    with pytest.raises(fal_client.FalClientHTTPError) as missing:
        client.cancel("fal-ai/veo3", "no-such-request")
    assert missing.value.status_code == 404


def test_upload_file_round_trip_through_all_three_flows(
    standin: StandIn, fal_client_for: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = fal_client_for(standin)
    source = tmp_path / "still.png"
    source.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    single = client.upload_file(source)
    storage = client.upload(b"via storage", "text/plain", "s.txt", repository="fal")
    monkeypatch.setattr(fal_module, "MULTIPART_THRESHOLD", 4096)
    monkeypatch.setattr(fal_module, "MULTIPART_CHUNK_SIZE", 4096)
    multipart = client.upload_file(source)
    with httpx.Client() as http:
        assert http.get(single).content == source.read_bytes()
        assert http.get(storage).content == b"via storage"
        assert http.get(multipart).content == source.read_bytes()
    flows = [(u.flow, u.file_name, u.content_type) for u in standin.uploads]
    assert flows == [
        ("cdn", "still.png", "image/png"),
        ("storage", "s.txt", "text/plain"),
        ("multipart", "still.png", "image/png"),
    ]


def test_a_refused_key_gets_401(tmp_path: Path, fal_client_for: Any) -> None:
    with StandIn(keys={"right-key"}, media_dir=tmp_path) as server:
        with pytest.raises(fal_client.FalClientHTTPError) as caught:
            fal_client_for(server, "wrong-key").submit(VEO, {"prompt": "x"})
        assert caught.value.status_code == 401
        assert server.submissions == []
        handle = fal_client_for(server, "right-key").submit(VEO, {"prompt": "x"})
        assert handle.request_id


def test_prompt_enhancer_answers_on_run_and_on_the_queue(
    standin: StandIn, fal_client_for: Any
) -> None:
    client = fal_client_for(standin)
    arguments = {"prompt": "a fox in snow", "model": "google/gemini-flash-1.5"}
    direct = client.run("fal-ai/any-llm", arguments)
    queued = client.subscribe("fal-ai/any-llm", arguments, interval=0.05)
    assert direct["output"] == queued["output"]
    assert direct["output"].startswith("a fox in snow") and len(direct["output"]) > 30
