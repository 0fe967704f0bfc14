"""Looking models up, categories, and the checks the catalogue runs when it loads."""

from __future__ import annotations

import pytest

from qcut_ai.core.catalog import Category, MediaRole, load_catalog, parse_catalog
from qcut_ai.core.errors import ConfigError, ModelFailedError, UnknownModelError

CATALOG = load_catalog()


def ids(category: str) -> set[str]:
    return {s.id for s in CATALOG.in_category(category)}


def test_catalogue_covers_every_existing_reference_endpoint() -> None:
    assert len(CATALOG) == 44
    endpoints = {s.endpoint for s in CATALOG}
    assert "fal-ai/kling-video/v2.6/standard/text-to-video" not in endpoints
    assert "fal-ai/ltx-2/text-to-video/fast" in endpoints
    assert not any("ltxv-2" in e for e in endpoints)
    assert {s.category for s in CATALOG} == set(Category)


def test_categories_hold_the_expected_models() -> None:
    assert {"vidu-q2-turbo-i2v", "hailuo-2.3-fast-pro-i2v"} <= ids("image-to-video")
    assert {"veo3.1-flf", "veo3.1-fast-flf", "kling-2.5-turbo-pro-i2v"} <= ids("frame-to-video")
    assert {
        "kling-avatar-pro",
        "kling-avatar-standard",
        "omnihuman-1.5",
        "wan-animate-replace",
        "wan-animate-move",
        "sora-2-remix",
    } == ids("avatar")
    assert {"bytedance-upscaler", "flashvsr", "topaz-upscale"} == ids("upscale")


def test_in_category_lists_recommended_models_first() -> None:
    models = CATALOG.in_category(Category.TEXT_TO_VIDEO)
    flags = [s.recommended for s in models]
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
        assert spec.name and spec.vendor and spec.best_for, spec.id
        assert 10 <= spec.typical_seconds <= 900, spec.id
        assert len(spec.id) <= 24 and spec.id == spec.id.lower(), spec.id
    for category in Category:
        assert any(s.recommended for s in CATALOG.in_category(category)), category


def test_media_fields_name_each_input_by_role() -> None:
    assert CATALOG.get("veo3.1-flf").media_fields() == {
        "first_frame_url": MediaRole.IMAGE,
        "last_frame_url": MediaRole.END_IMAGE,
    }
    assert CATALOG.get("kling-2.5-turbo-pro-i2v").media_fields()["tail_image_url"] == (
        MediaRole.END_IMAGE
    )
    assert CATALOG.get("wan-animate-move").media_fields() == {
        "image_url": MediaRole.IMAGE,
        "video_url": MediaRole.VIDEO,
    }
    assert CATALOG.get("omnihuman-1.5").media_fields()["audio_url"] == MediaRole.AUDIO


def test_prompt_limits() -> None:
    assert CATALOG.get("kling-2.1-master").prompt_max_length == 2500
    assert CATALOG.get("wan-2.5").prompt_max_length == 1500
    assert CATALOG.get("seedance-pro").prompt_max_length is None


def test_result_video_url() -> None:
    spec = CATALOG.get("sora-2")
    result = {"video": {"url": "https://v.fal.media/x.mp4"}, "video_id": "v1"}
    assert spec.result_video_url(result) == "https://v.fal.media/x.mp4"
    with pytest.raises(ModelFailedError, match="no video URL"):
        spec.result_video_url({"images": []})


def test_load_catalog_is_cached() -> None:
    assert load_catalog() is CATALOG


def test_damaged_catalogue_is_refused_at_load() -> None:
    with pytest.raises(ConfigError, match="damaged"):
        parse_catalog('{"format": 1, "models": [{"id": "x"}]}')
    entry = CATALOG.get("sora-2").model_dump_json()
    bad_default = entry.replace('"default":4', '"default":"4"')
    assert bad_default != entry
    with pytest.raises(ConfigError):
        parse_catalog('{"format": 1, "models": [' + bad_default + "]}")
    with pytest.raises(ConfigError, match="twice"):
        parse_catalog('{"format": 1, "models": [' + entry + "," + entry + "]}")
