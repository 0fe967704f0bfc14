"""Enhance with AI through the real gateway and fal-client, against the stand-in over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.enhance_prompt import ENHANCER_ENDPOINT, enhance_price
from qcut_ai.core.errors import AuthError, InvalidRequestError
from qcut_ai.core.prompt_builder import LengthVerdict
from qcut_ai.core.settings import Settings
from qcut_ai.engine.connection import FalConnection, connect
from qcut_ai.engine.enhance import enhance, enhancer_for

CATALOG = load_catalog()
HAILUO = CATALOG.get("hailuo-2.3-pro")
VEO = CATALOG.get("veo3.1")
DRAFT = "a red fox running through snow"


@pytest.fixture
def conn() -> Iterator[FalConnection]:
    with connect(Settings(poll_interval_s=0.05, poll_max_interval_s=0.1), offline=True) as c:
        yield c


def test_the_draft_comes_back_richer_and_the_same_every_time(conn: FalConnection) -> None:
    first = enhance(conn.gateway(), DRAFT, [VEO])
    second = enhance(conn.gateway(), DRAFT, [VEO])
    assert first.prompt == second.prompt
    assert first.prompt.startswith(DRAFT) and len(first.prompt) > len(DRAFT) + 20
    assert first.draft == DRAFT
    assert first.endpoint == ENHANCER_ENDPOINT and first.request_id
    assert first.price.usd == Decimal("0.001")
    assert [c.verdict for c in first.lengths] == [LengthVerdict.FITS]


def test_only_the_draft_is_the_prompt_and_the_instructions_fit_the_model(
    conn: FalConnection,
) -> None:
    enhance(conn.gateway(), DRAFT, [HAILUO])
    enhance(conn.gateway(), DRAFT, [VEO])
    hailuo, veo = conn.standin.submissions
    assert hailuo.endpoint == veo.endpoint == ENHANCER_ENDPOINT
    assert hailuo.arguments["prompt"] == DRAFT
    assert "model" not in hailuo.arguments  # fal's default (standard-priced) LLM
    assert "Hailuo 2.3 Pro" in hailuo.arguments["system_prompt"]
    assert "[Pan left]" in hailuo.arguments["system_prompt"]
    assert "under 2000 characters" in hailuo.arguments["system_prompt"]
    assert "Veo 3.1" in veo.arguments["system_prompt"]
    assert "never use square-bracket" in veo.arguments["system_prompt"]


def test_an_empty_draft_is_refused_before_anything_is_sent(conn: FalConnection) -> None:
    with pytest.raises(InvalidRequestError, match="write a draft"):
        enhance(conn.gateway(), "   ", [VEO])
    assert conn.standin.submissions == []


def test_a_refused_key_is_reported_like_any_fal_call(conn: FalConnection) -> None:
    conn.standin.inject("http-401")
    with pytest.raises(AuthError):
        enhance(conn.gateway(), DRAFT, [VEO])


def test_the_gui_enhancer_uses_the_connection_gateway(conn: FalConnection) -> None:
    run = enhancer_for(conn.gateway)
    result = run(DRAFT, [HAILUO])
    assert result.prompt.startswith(DRAFT)
    assert len(conn.standin.submissions) == 1


def test_price_is_standard_unless_a_premium_llm_is_chosen() -> None:
    standard = enhance_price()
    assert standard.usd == Decimal("0.001") and standard.text() == "$0.001"
    assert standard.grade == "third-party"
    assert enhance_price("openai/gpt-4o").usd == Decimal("0.010")
