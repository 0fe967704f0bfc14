"""`qcut-ai models --json` offers today's models only: none of fal's retired endpoints
is listed as active, and each retired one is listed as retired."""

from __future__ import annotations

import json

import pytest

from qcut_ai.cli import main
from qcut_ai.services.rehearsal.registry import recorded_endpoints


def test_no_endpoint_fal_retired_is_listed_as_active(capsys: pytest.CaptureFixture[str]) -> None:
    retired_at_fal = {r["endpoint_id"] for r in recorded_endpoints() if r.get("deprecated")}
    assert len(retired_at_fal) == 13
    assert main(["models", "--json"]) == 0
    models = json.loads(capsys.readouterr().out)
    active = {m["endpoint"] for m in models if m["status"] == "active"}
    assert len(active) >= 70
    assert active.isdisjoint(retired_at_fal)
    listed = {m["endpoint"]: m["status"] for m in models}
    # Those the catalogue still knows (old clips name them) are listed as retired.
    assert {e: listed[e] for e in retired_at_fal if e in listed} == dict.fromkeys(
        retired_at_fal & listed.keys(), "retired"
    )
    assert listed["fal-ai/sora-2/video-to-video/remix"] == "retired"
