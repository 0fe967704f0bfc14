"""Shared options across a multi-model selection, and how a choice fits each model."""

from __future__ import annotations

from qcut_ai.core.catalog import ModelSpec, load_catalog
from qcut_ai.core.requests import GenerationRequest, build_arguments, combined_options

CATALOG = load_catalog()


def specs(*ids: str) -> list[ModelSpec]:
    return [CATALOG.get(i) for i in ids]


def test_intersection_and_union_of_durations() -> None:
    options = combined_options(specs("kling-2.1-master", "veo3.1", "hailuo-2.3-standard"))
    assert options.durations == ()
    assert options.all_durations == (4, 5, 6, 8, 10)
    assert combined_options(specs("kling-2.1-master", "wan-2.5")).durations == (5, 10)


def test_models_without_a_choice_do_not_narrow_it() -> None:
    options = combined_options(specs("veo3.1", "hailuo-2.3-pro"))
    assert options.durations == (4, 6, 8)
    assert options.resolutions == ("720p", "1080p", "4k")


def test_shared_resolutions_and_aspect_ratios() -> None:
    options = combined_options(specs("veo3.1", "kling-2.6-pro", "seedance-pro"))
    assert options.aspect_ratios == ("16:9", "9:16")
    assert "1:1" in options.all_aspect_ratios and "21:9" in options.all_aspect_ratios
    assert options.resolutions == ("720p", "1080p")


def test_strictest_prompt_limit_and_who_sets_it() -> None:
    options = combined_options(specs("veo3.1", "kling-2.1-master", "grok-imagine"))
    assert options.prompt_max_length == 2500
    assert options.prompt_limit_model == "Kling 2.1 Master"
    assert combined_options(specs("seedance-pro")).prompt_max_length is None


def test_fit_maps_each_model_to_its_nearest_value_with_a_note() -> None:
    options = combined_options(
        specs("kling-2.1-master", "veo3.1", "grok-imagine", "hailuo-2.3-pro")
    )
    fits = {f.model_id: f for f in options.fit(duration=8, resolution="1080p", aspect_ratio="1:1")}
    assert fits["kling-2.1-master"].duration == 10
    assert "Kling 2.1 Master: 8 s → 10 s" in fits["kling-2.1-master"].notes
    assert fits["veo3.1"].duration == 8 and fits["veo3.1"].aspect_ratio in ("16:9", "9:16")
    assert fits["grok-imagine"].resolution == "720p"
    assert "Grok Imagine: resolution 1080p → 720p" in fits["grok-imagine"].notes
    assert fits["hailuo-2.3-pro"].duration is None
    assert "Hailuo 2.3 Pro: no duration choice" in fits["hailuo-2.3-pro"].notes
    assert fits["kling-2.1-master"].resolution is None


def test_fitted_requests_are_valid_for_every_model() -> None:
    selection = specs(
        "kling-2.1-master", "veo3.1-fast", "ltx-2.3", "seedance-pro-fast", "wan-2.2-turbo"
    )
    base = GenerationRequest(prompt="a kite over a beach", duration=7, resolution="4k")
    for spec, fitted in zip(
        selection,
        combined_options(selection).fit(duration=7, resolution="4k", aspect_ratio="21:9"),
        strict=True,
    ):
        build_arguments(spec, fitted.apply(base))


def test_ties_pick_the_longer_duration() -> None:
    fits = combined_options(specs("veo3.1")).fit(duration=5)
    assert fits[0].duration == 6
    assert fits[0].notes == ("Veo 3.1: 5 s → 6 s",)
