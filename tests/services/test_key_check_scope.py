"""A key check goes to the base it names, even when fal-client was last pointed at
another (an offline stand-in that has since stopped)."""

from __future__ import annotations

from pathlib import Path

from qcut_ai.services.fal_endpoints import apply_base_url, restore_constants
from qcut_ai.services.fal_http_guard import KeyScope
from qcut_ai.services.key_check import check_key
from qcut_ai.services.rehearsal import StandIn

GOOD = "good-key-1234"


def test_the_checked_base_is_where_the_key_goes(tmp_path: Path) -> None:
    previous = apply_base_url("http://127.0.0.1:9")  # a stand-in that is gone
    try:
        with StandIn(keys={GOOD}, media_dir=tmp_path / "standin") as server:
            found = check_key(GOOD, base_url=server.base_url)
            assert (found.ok, found.message) == (True, "fal accepted the key.")
            assert server.submissions == []
    finally:
        restore_constants(previous)


def test_a_scope_for_fal_itself_adds_no_host() -> None:
    assert KeyScope.for_base("https://queue.fal.run").override is None
    scope = KeyScope.for_base("http://127.0.0.1:8765")
    assert scope.allows("http://127.0.0.1:8765/x") and not scope.allows("http://127.0.0.1:9/x")
