"""Syncing the catalogue with fal over real HTTP against the stand-in's Platform API."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.requests import GenerationRequest, build_arguments
from qcut_ai.services.catalog_store import CatalogStore
from qcut_ai.services.catalog_sync import SyncReport, sync_catalog, sync_if_stale
from qcut_ai.services.fal_platform import FalPlatformClient, PlatformError
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NEW_MODEL: dict[str, Any] = {
    "endpoint_id": "acme-labs/orbit/v2/text-to-video",
    "category": "text-to-video",
    "lab": "Acme Labs",
    "family": "Orbit 2",
    "title": "Orbit 2 Text to Video",
    "published": "2026-11-20",
    "deprecated": False,
    "output_props": ["video", "seed"],
    "inputs": [
        {
            "name": "prompt",
            "type": "string",
            "required": True,
            "default": None,
            "enum": None,
            "min": None,
            "max": None,
            "media_kind": None,
            "is_list": False,
        },
        {
            "name": "duration",
            "type": "enum",
            "required": False,
            "default": 6,
            "enum": [4, 6, 8],
            "min": None,
            "max": None,
            "media_kind": None,
            "is_list": False,
        },
        {
            "name": "resolution",
            "type": "enum",
            "required": False,
            "default": "720p",
            "enum": ["480p", "720p"],
            "min": None,
            "max": None,
            "media_kind": None,
            "is_list": False,
        },
        {
            "name": "motion",
            "type": "number",
            "required": False,
            "default": 0.5,
            "enum": None,
            "min": 0,
            "max": 1,
            "media_kind": None,
            "is_list": False,
        },
    ],
    "unit_price": {"unit_price": 0.05, "unit": "second", "currency": "USD"},
}


def sync(standin: StandIn, **options: Any) -> SyncReport:
    with FalPlatformClient(OFFLINE_KEY, base_url=standin.base_url, backoff_s=0.01) as client:
        return sync_catalog(client, now=NOW, **options)


def test_a_model_the_shipped_catalogue_never_had_is_added_and_sends_its_schemas_arguments(
    standin: StandIn,
) -> None:
    standin.registry.add(NEW_MODEL)
    report = sync(standin)
    assert report.applied and "acme-labs/orbit/v2/text-to-video" in report.added
    spec = load_catalog().get("acme-labs/orbit/v2/text-to-video")
    assert (spec.name, spec.vendor, spec.family, spec.curated) == (
        "Orbit 2 Text to Video",
        "acme-labs",
        "Orbit 2",
        False,
    )
    assert spec in load_catalog().in_category("text-to-video")
    assert load_catalog().is_new(spec)
    arguments = build_arguments(spec, GenerationRequest(prompt="a comet", duration=8))
    assert arguments == {"prompt": "a comet", "duration": 8, "resolution": "720p"}
    assert type(arguments["duration"]) is int
    price = spec.price
    assert (price.grade, price.rates[0].usd) == ("fal-unit", Decimal("0.05"))


def test_what_a_sync_changed_is_kept_for_the_panel(standin: StandIn) -> None:
    sync(standin)
    standin.registry.add(NEW_MODEL)
    standin.registry.retire("fal-ai/veo3.1/lite")
    report = sync(standin)
    change = load_catalog().last_change
    assert change is not None and change.at == report.synced_at
    assert change.added == ("acme-labs/orbit/v2/text-to-video",)
    assert change.retired == ("fal-ai/veo3.1/lite",)
    state = CatalogStore().state()
    assert state.checked == NOW and state.error is None


def test_field_by_field_changes_and_fal_wins(standin: StandIn) -> None:
    sync(standin)
    record = standin.registry.record("fal-ai/bytedance-upscaler/upscale/video")
    fps = next(i for i in record["inputs"] if i["name"] == "target_fps")
    fps.update({"type": "integer", "default": 24, "max": 60})
    record["inputs"].append(
        {
            **copy.deepcopy(fps),
            "name": "denoise",
            "type": "boolean",
            "default": False,
            "min": None,
            "max": None,
        }
    )
    standin.registry.add({**record, "updated_at": "2026-11-30T00:00:00Z"})
    report = sync(standin)
    assert report.changed["fal-ai/bytedance-upscaler/upscale/video"] == [
        "denoise: new input (true or false)",
        "target_fps: type 'number' -> 'integer'",
        "target_fps: default 30 -> 24",
        "target_fps: max 120.0 -> 60.0",
    ]
    field = load_catalog().get("bytedance-upscaler").field("target_fps")
    assert field is not None and (field.type.value, field.default) == ("integer", 24)


def test_only_new_or_updated_schemas_are_fetched(standin: StandIn) -> None:
    first = sync(standin)  # the shipped snapshot already holds every other schema
    assert first.schemas_read == len(first.added) == 10
    standin.registry.touch("fal-ai/veo3.1", "2026-11-30T00:00:00Z")
    second = sync(standin)
    assert second.schemas_read == 1
    assert not (second.added or second.retired or second.changed)


def test_deprecated_or_forgotten_models_are_retired_with_the_day(standin: StandIn) -> None:
    sync(standin)
    standin.registry.retire("fal-ai/kling-video/v3/pro/text-to-video")
    standin.registry.forget("fal-ai/ltx-2.3/text-to-video")
    report = sync(standin)
    assert sorted(report.retired) == [
        "fal-ai/kling-video/v3/pro/text-to-video",
        "fal-ai/ltx-2.3/text-to-video",
    ]
    catalog = load_catalog()
    kling, ltx = catalog.get("kling-3-pro"), catalog.get("ltx-2.3")
    assert kling.retired_text == ltx.retired_text == "retired by fal (2026-12-01)"
    assert kling not in catalog.in_category("text-to-video")
    assert catalog.get("fal-ai/ltx-2.3/text-to-video") is ltx  # History still finds it


def test_a_model_moved_to_another_category_stays_active(standin: StandIn) -> None:
    sync(standin)
    record = standin.registry.record("fal-ai/veo3.1/fast")
    standin.registry.add({**record, "category": "video-to-audio"})
    report = sync(standin)
    assert "fal-ai/veo3.1/fast" not in report.retired
    assert load_catalog().get("veo3.1-fast").active


def test_retiring_more_than_ten_percent_at_once_needs_force(standin: StandIn) -> None:
    sync(standin)
    before = load_catalog()
    for endpoint in standin.registry.ids()[:40]:
        standin.registry.forget(endpoint)
    report = sync(standin)
    assert not report.applied and report.blocked is not None
    assert report.blocked.startswith("This sync would retire ")
    assert "(more than 10%), so nothing was changed" in report.blocked
    assert "`qcut-ai models sync --force`" in report.blocked
    assert len(load_catalog().offered()) == len(before.offered())
    forced = sync(standin, force=True)
    assert forced.applied and len(forced.retired) == len(report.retired)


def test_a_price_that_moved_at_fal_is_marked_for_checking(standin: StandIn) -> None:
    sync(standin)
    assert load_catalog().get("veo3.1-lite").price_check == "ok"
    standin.registry.set_price("fal-ai/veo3.1/lite", 0.09)
    report = sync(standin)
    assert report.changed["fal-ai/veo3.1/lite"] == [
        "unit price: $0.05 per second -> $0.09 per second"
    ]
    spec = load_catalog().get("veo3.1-lite")
    assert spec.price_check == "changed" and spec.needs_price_confirmation
    assert load_catalog().get("kling-2.1-master").price_check == "unknown"  # no unit price


def test_without_a_key_schemas_sync_and_prices_are_left_unchecked(standin: StandIn) -> None:
    with FalPlatformClient(None, base_url=standin.base_url) as client:
        report = sync_catalog(client, now=NOW)
    assert report.applied and report.priced == 0
    assert report.notes == ["Prices were not checked: fal's pricing needs a fal key."]


def test_a_failed_listing_leaves_the_catalogue_untouched(standin: StandIn) -> None:
    sync(standin)
    saved = CatalogStore().path.read_bytes()
    standin.inject("platform-500", times=None)
    with pytest.raises(PlatformError, match="server error"):
        sync(standin)
    assert CatalogStore().path.read_bytes() == saved


def test_sync_if_stale_checks_at_most_once_a_day(standin: StandIn) -> None:
    def client() -> FalPlatformClient:
        return FalPlatformClient(OFFLINE_KEY, base_url=standin.base_url)

    first = sync_if_stale(client_factory=client, now=NOW)
    assert first is not None and first.applied
    assert sync_if_stale(client_factory=client, now=NOW + timedelta(hours=23)) is None
    standin.inject("platform-500", times=None)
    failed = sync_if_stale(client_factory=client, now=NOW + timedelta(days=1, hours=1))
    assert failed is not None and failed.error is not None and "server error" in failed.error
    assert CatalogStore().state().checked == NOW  # a failed check is tried again next time


def test_sync_if_stale_needs_a_key() -> None:
    assert sync_if_stale(now=NOW) is None  # no key set: the app never asks fal in the background
