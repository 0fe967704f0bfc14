"""The catalogue as editors meet it: what pickers list, what is retired, what it falls back on."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from qcut_ai.core.catalog import (
    Category,
    MediaRole,
    RetiredModelError,
    load_catalog,
    parse_catalog,
    refuse_unusable,
    resource_text,
    user_catalog_path,
)
from qcut_ai.core.catalog_fields import FieldType
from qcut_ai.core.errors import ConfigError, ModelFailedError, UnknownModelError
from qcut_ai.core.price_check import default_estimate

CATALOG = load_catalog()
# The endpoints fal retired or moved by the 2026-08-27 snapshot (fal-registry/README.md).
RETIRED_ENDPOINTS = (
    "fal-ai/sora-2/text-to-video",
    "fal-ai/sora-2/text-to-video/pro",
    "fal-ai/sora-2/image-to-video",
    "fal-ai/sora-2/image-to-video/pro",
    "fal-ai/sora-2/video-to-video/remix",
    "fal-ai/veo3",
    "fal-ai/veo3/fast",
    "fal-ai/ltx-2/text-to-video",
    "fal-ai/ltx-2/text-to-video/fast",
    "fal-ai/ltx-2/image-to-video",
    "fal-ai/ltx-2/image-to-video/fast",
    "fal-ai/bytedance/seedance/v1/lite/text-to-video",
    "fal-ai/topaz/upscale/video",
)


def ids(category: str) -> set[str]:
    return {s.id for s in CATALOG.in_category(category)}


def test_the_thirteen_dead_endpoints_are_retired_with_live_successors() -> None:
    for endpoint in RETIRED_ENDPOINTS:
        spec = CATALOG.get(endpoint)
        assert spec.status == "retired" and spec.retired_on, endpoint
        assert spec.successors, endpoint
        assert all(CATALOG.get(s).offered for s in spec.successors), endpoint
    assert {s.endpoint for s in CATALOG.retired()} == set(RETIRED_ENDPOINTS)
    assert CATALOG.get("sora-2").successors == ("veo3.1", "seedance-2.0", "kling-3-pro")
    assert CATALOG.get("topaz-upscale").successor == "topaz-precision"
    assert CATALOG.get("seedance-lite").successor == "seedance-2.0-mini"
    assert CATALOG.get("sora-2").retired_text == "retired by fal (2026-09-24)"


def test_pickers_list_only_live_models_but_lookups_find_retired_ones() -> None:
    offered = {s.endpoint for s in CATALOG.offered()}
    assert len(offered) >= 70
    assert not offered & set(RETIRED_ENDPOINTS)
    for category in Category:
        assert all(s.offered for s in CATALOG.in_category(category)), category
    assert "sora-2" not in ids("text-to-video") and "sora-2" in CATALOG


def test_the_preselected_model_is_live_and_mid_priced() -> None:
    first = CATALOG.default_model(Category.TEXT_TO_VIDEO)
    assert first is not None and first.id == "veo3.1-fast"
    assert first.prompt_required  # the panel's first Generate has a prompt to send
    assert first.active and first.recommended
    price = default_estimate(first).usd
    assert price is not None and Decimal("0.40") <= price <= Decimal("1.50")


def test_every_category_has_models_and_a_recommended_one() -> None:
    for category in Category:
        listed = CATALOG.in_category(category)
        assert listed, category
        assert listed[0].recommended, category


def test_new_categories_hold_the_actions_models() -> None:
    assert {"veo3.1-fast-extend", "ltx-2.3-extend", "vidu-q2-extend"} <= ids("extend")
    assert {"veo3.1-fast-ref", "kling-o3-pro-ref", "seedance-2.0-ref"} <= ids("reference-to-video")
    assert {"kling-o3-pro-edit", "wan-2.7-edit", "happy-horse-edit"} <= ids("video-edit")
    assert {"sync-lipsync-v3", "kling-lipsync", "heygen-lipsync"} <= ids("lipsync")
    assert {"kling-3-motion", "dreamactor-v2", "wan-animate-move"} <= ids("motion-transfer")
    assert {"kling-avatar-v2-pro", "omnihuman-1.5", "infinitalk"} <= ids("avatar")
    assert {"topaz-precision", "seedvr", "bytedance-upscaler", "flashvsr"} <= ids("upscale")
    assert {"veo3.1-flf", "veo3.1-fast-flf", "kling-2.5-turbo-pro-i2v"} <= ids("frame-to-video")


def test_in_category_lists_recommended_models_first() -> None:
    flags = [s.recommended for s in CATALOG.in_category(Category.TEXT_TO_VIDEO)]
    assert flags == sorted(flags, reverse=True)
    assert any(flags) and not all(flags)


def test_unknown_category_is_refused() -> None:
    with pytest.raises(UnknownModelError, match="No category 'cartoons'"):
        CATALOG.in_category("cartoons")


def test_lookup_by_short_id_endpoint_or_former_endpoint() -> None:
    spec = CATALOG.get("veo3.1-fast")
    assert CATALOG.get("fal-ai/veo3.1/fast") is spec
    assert CATALOG.get("fal-ai/ltxv-2/image-to-video").id == "ltx-2-i2v"
    assert "sora-2" in CATALOG and "sora-3" not in CATALOG


def test_unknown_id_names_close_matches() -> None:
    with pytest.raises(UnknownModelError) as caught:
        CATALOG.get("kling-2.1-mastr")
    assert "kling-2.1-master" in caught.value.user_text()


def test_every_model_is_curated() -> None:
    for spec in CATALOG:
        assert spec.curated and spec.name and spec.vendor and spec.best_for, spec.id
        assert 10 <= spec.typical_seconds <= 900, spec.id
        assert len(spec.id) <= 24 and spec.id == spec.id.lower(), spec.id


def test_each_vendor_has_one_name() -> None:
    # The picker groups by vendor: "Kuaishou" and "Kuaishou (Kling)" would be two groups.
    vendors = {spec.vendor for spec in CATALOG}
    for vendor in vendors:
        assert "(" not in vendor, vendor
        others = {v for v in vendors if v != vendor}
        assert not any(o.lower().startswith(vendor.lower()) for o in others), vendor


def test_shipped_overlay_and_snapshot_agree() -> None:
    # fal's facts win over ours; in the shipped pair there is nothing to overrule.
    assert CATALOG.problems == []


def test_disagreements_with_fal_are_reported_and_fal_wins() -> None:
    overlay = json.loads(resource_text("model_overlay.json"))
    veo = next(m for m in overlay["models"] if m["id"] == "veo3.1-lite")
    veo["fields"]["no_such_field"] = {"max_length": 10}
    veo["price"]["rates"][0]["when"]["resolution"] = ["8k"]
    catalog = parse_catalog(resource_text("fal_snapshot.json"), json.dumps(overlay))
    assert "veo3.1-lite: the overlay describes no_such_field, which fal's schema lacks" in (
        catalog.problems
    )
    assert any("resolution = '8k'" in p and "does not allow" in p for p in catalog.problems)
    assert catalog.get("veo3.1-lite").field("resolution").choices == ("720p", "1080p")  # type: ignore[union-attr]


def test_corrected_wire_facts_and_prices_of_kept_models() -> None:
    upscaler = CATALOG.get("bytedance-upscaler")
    fps = upscaler.field("target_fps")
    assert fps is not None and (fps.type, fps.default, fps.min, fps.max) == (
        FieldType.NUMBER,
        30,
        24,
        120,
    )
    resolution = upscaler.field("target_resolution")
    assert resolution is not None and {"6k", "8k"} <= set(resolution.choices or ())
    assert upscaler.field("bit_depth") is not None
    pro_i2v = CATALOG.get("seedance-pro-i2v").field("resolution")
    assert pro_i2v is not None and pro_i2v.default == "1080p"


def test_media_fields_name_each_input_by_role() -> None:
    assert CATALOG.get("veo3.1-flf").media_fields() == {
        "first_frame_url": MediaRole.IMAGE,
        "last_frame_url": MediaRole.END_IMAGE,
    }
    assert CATALOG.get("kling-2.5-turbo-pro-i2v").media_fields()["tail_image_url"] == (
        MediaRole.END_IMAGE
    )
    assert CATALOG.get("wan-animate-move").media_fields() == {
        "video_url": MediaRole.VIDEO,
        "image_url": MediaRole.IMAGE,
    }
    assert CATALOG.get("veo3.1-ref").media_fields() == {"image_urls": MediaRole.REFERENCE_IMAGES}
    assert CATALOG.get("sync-lipsync-v3").media_fields() == {
        "video_url": MediaRole.VIDEO,
        "audio_url": MediaRole.AUDIO,
    }


def test_prompt_limits() -> None:
    assert CATALOG.get("kling-2.1-master").prompt_max_length == 2500
    assert CATALOG.get("wan-2.5").prompt_max_length == 1500
    assert CATALOG.get("seedance-pro").prompt_max_length is None


def test_result_video_url() -> None:
    spec = CATALOG.get("kling-3-std")
    result = {"video": {"url": "https://v.fal.media/x.mp4"}}
    assert spec.result_video_url(result) == "https://v.fal.media/x.mp4"
    with pytest.raises(ModelFailedError, match="no video URL"):
        spec.result_video_url({"images": []})


def test_a_retired_or_unsupported_model_is_refused_naming_what_to_use() -> None:
    with pytest.raises(RetiredModelError) as caught:
        refuse_unusable(CATALOG.get("veo3"))
    text = caught.value.user_text()
    assert text.startswith("Veo 3 was retired by fal")
    assert "use Veo 3.1 (veo3.1) instead" in text and "Nothing was sent" in text
    unsupported = CATALOG.get("kling-3-std").model_copy(update={"unsupported": "it needs loras"})
    with pytest.raises(RetiredModelError, match="is not supported yet: it needs loras"):
        refuse_unusable(unsupported)
    refuse_unusable(CATALOG.get("kling-3-std"))


def test_load_catalog_is_cached() -> None:
    assert load_catalog() is CATALOG


def test_damaged_catalogue_is_refused_at_load() -> None:
    with pytest.raises(ConfigError, match="damaged"):
        parse_catalog('{"format": 1, "synced_at": "x", "records": [{"endpoint_id": 5}]}')
    overlay = json.loads(resource_text("model_overlay.json"))
    overlay["models"].append(overlay["models"][0])
    with pytest.raises(ConfigError, match=r"lists 'veo3\.1-fast' twice"):
        parse_catalog(resource_text("fal_snapshot.json"), json.dumps(overlay))


def _write_cache(records: list[dict[str, object]], synced_at: str) -> Path:
    path = user_catalog_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": 1, "synced_at": synced_at, "records": records}))
    return path


def test_the_users_synced_copy_is_used_over_the_shipped_one() -> None:
    shipped = json.loads(resource_text("fal_snapshot.json"))
    veo = next(r for r in shipped["records"] if r["endpoint_id"] == "fal-ai/veo3.1/fast")
    newer = {**veo, "status": "deprecated", "retired_on": "2026-12-01", "synced_at": "2026-12-01"}
    new_model = {
        "endpoint_id": "acme/motion/text-to-video",
        "display_name": "Acme Motion",
        "placement": ["text-to-video"],
        "synced_at": "2026-12-01T00:00:00Z",
        "fields": [{"name": "prompt", "type": "string", "role": "prompt", "required": True}],
    }
    _write_cache([newer, new_model], "2026-12-01T00:00:00Z")
    catalog = load_catalog()
    assert catalog is not CATALOG and catalog.source == "cache"
    assert catalog.get("veo3.1-fast").retired_text == "retired by fal (2026-12-01)"
    added = catalog.get("acme/motion/text-to-video")
    assert added.name == "Acme Motion" and not added.curated and added.offered
    assert added in catalog.in_category("text-to-video")
    assert catalog.get("kling-3-std").active  # everything else still stands


def test_a_damaged_cache_loses_nothing_that_worked() -> None:
    path = user_catalog_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ this is not json")
    assert len(load_catalog().offered()) == len(CATALOG.offered())
    shipped = json.loads(resource_text("fal_snapshot.json"))
    kling = next(
        r for r in shipped["records"] if r["endpoint_id"].endswith("v3/standard/text-to-video")
    )
    broken = {**kling, "fields": "not a list", "synced_at": "2027-01-01"}
    _write_cache([broken, {"endpoint_id": 7}], "2027-01-01")
    catalog = load_catalog()
    assert catalog.get("kling-3-std").active and catalog.get("kling-3-std").fields
