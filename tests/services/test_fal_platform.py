"""fal's Platform API client over real HTTP against the stand-in: modes, pages, prices, failures."""

from __future__ import annotations

import base64

import httpx
import pytest

from qcut_ai.services.fal_platform import FalPlatformClient, PlatformError
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn


def client(standin: StandIn, key: str | None = OFFLINE_KEY, **options: object) -> FalPlatformClient:
    return FalPlatformClient(key, base_url=standin.base_url, backoff_s=0.01, **options)  # type: ignore[arg-type]


def test_search_mode_pages_through_every_model_of_a_category(standin: StandIn) -> None:
    with client(standin, key=None) as fal:  # listing needs no key
        models = list(fal.models(category="text-to-video", limit=7))
    ids = [m["endpoint_id"] for m in models]
    assert len(ids) == len(set(ids)) > 7  # several pages, nothing twice
    assert all(m["metadata"]["category"] == "text-to-video" for m in models)
    assert "fal-ai/veo3.1" in ids and "fal-ai/sora-2/text-to-video" in ids
    assert all("openapi" not in m for m in models)


def test_status_search_and_free_text(standin: StandIn) -> None:
    with client(standin) as fal:
        deprecated = {m["endpoint_id"] for m in fal.models(status="deprecated")}
        veo = {m["endpoint_id"] for m in fal.models(query="veo 3.1 fast")}
    assert "fal-ai/veo3" in deprecated and "fal-ai/veo3.1" not in deprecated
    assert "fal-ai/veo3.1/fast" in veo


def test_find_mode_with_the_openapi_document(standin: StandIn) -> None:
    with client(standin) as fal:
        found = fal.find_models(["fal-ai/veo3.1", "nobody/knows/this"], expand_openapi=True)
        assert fal.find_models(["nobody/knows/this"]) == []  # fal answers 404: none known
    (veo,) = found
    assert veo["metadata"]["display_name"] == "Veo 3.1"
    assert veo["openapi"]["info"]["title"] == "Queue OpenAPI for fal-ai/veo3.1"
    assert "/fal-ai/veo3.1" in veo["openapi"]["paths"]


def test_find_mode_takes_fifty_ids_per_call(standin: StandIn) -> None:
    ids = standin.registry.ids()[:120]
    with client(standin) as fal:
        found = fal.find_models(ids)
    assert [m["endpoint_id"] for m in found] == ids


def test_prices_need_a_key_and_come_fifty_at_a_time(standin: StandIn) -> None:
    ids = standin.registry.ids()
    with client(standin) as fal:
        prices = {p["endpoint_id"]: p for p in fal.prices(ids)}
        total = fal.estimate({"fal-ai/veo3.1": 8})
    assert prices["fal-ai/veo3.1"] == {
        "endpoint_id": "fal-ai/veo3.1",
        "unit_price": 0.2,
        "unit": "second",
        "currency": "USD",
    }
    assert total == {"estimate_type": "unit_price", "total_cost": 1.6, "currency": "USD"}
    with client(standin, key=None) as anonymous, pytest.raises(PlatformError) as caught:
        anonymous.prices(["fal-ai/veo3.1"])
    assert caught.value.kind == "auth"
    assert caught.value.message == (
        "fal refused the key when asked for the prices (401: Authentication required)."
    )


def test_rate_limits_and_server_errors_are_retried(standin: StandIn) -> None:
    standin.inject("platform-429", times=2)
    standin.inject("platform-500", times=1)
    slept: list[float] = []
    with client(standin, sleep=slept.append) as fal:
        assert fal.find_models(["fal-ai/veo3.1"])
    assert len(slept) == 3 and slept == sorted(slept)


def test_failures_that_last_are_one_sentence(standin: StandIn) -> None:
    standin.inject("platform-500", times=None)
    with client(standin, attempts=2) as fal, pytest.raises(PlatformError) as caught:
        list(fal.models())
    assert caught.value.message == (
        "fal had a server error (500) when asked for the model list, after 2 tries."
    )
    standin.clear_faults()
    standin.inject("platform-401")
    with client(standin) as fal, pytest.raises(PlatformError, match="refused the key"):
        list(fal.models())


def test_a_page_cut_off_mid_body_is_fetched_again(standin: StandIn) -> None:
    standin.inject("platform-truncated")
    with client(standin) as fal:
        models = list(fal.models(category="video-to-video"))
    assert models and all(isinstance(m, dict) for m in models)
    standin.inject("platform-truncated", times=None)
    with client(standin, attempts=2) as fal, pytest.raises(PlatformError) as caught:
        list(fal.models(category="video-to-video"))
    assert caught.value.kind == "bad_answer" and "cut off" in caught.value.message


def test_the_cursor_is_fals_base64_page_number(standin: StandIn) -> None:
    answer = httpx.get(f"{standin.base_url}/v1/models", params={"limit": 2}).json()
    assert answer["has_more"] and base64.b64decode(answer["next_cursor"]) == b"2"
    bad = httpx.get(f"{standin.base_url}/v1/models", params={"cursor": "%%%"})
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "validation_error"


def test_answers_are_bounded() -> None:
    def huge(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=b"x" * 2048, headers={"content-type": "application/json"}
        )

    fal = FalPlatformClient("k", transport=httpx.MockTransport(huge), max_answer_bytes=1024)
    with fal, pytest.raises(PlatformError) as caught:
        list(fal.models())
    assert caught.value.kind == "too_large" and "was not read" in caught.value.message


def test_the_key_goes_to_fal_or_the_configured_base_only(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str | None]] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers.get("authorization")))
        return httpx.Response(200, json={"models": [], "has_more": False, "next_cursor": None})

    transport = httpx.MockTransport(record)
    with FalPlatformClient("secret", transport=transport) as fal:
        list(fal.models())
    with FalPlatformClient("secret", base_url="http://127.0.0.1:9", transport=transport) as fal:
        list(fal.models())
    with FalPlatformClient("secret", base_url="http://example.com", transport=transport) as fal:
        list(fal.models())  # plain http to a foreign host: listing only, no key
    monkeypatch.setenv("QCUT_AI_FAL_URL", "https://proxy.example.com/fal")
    with FalPlatformClient("secret", transport=transport) as fal:
        list(fal.models())
    assert seen == [
        ("https://api.fal.ai/v1/models", "Key secret"),
        ("http://127.0.0.1:9/v1/models", "Key secret"),
        ("http://example.com/v1/models", None),
        ("https://proxy.example.com/fal/v1/models", "Key secret"),
    ]
