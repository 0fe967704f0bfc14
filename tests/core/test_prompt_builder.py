"""Prompt assembly, presets, camera keywords per model and the per-model length check."""

from __future__ import annotations

import pytest

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.errors import InvalidRequestError
from qcut_ai.core.prompt_builder import (
    LengthVerdict,
    PromptParts,
    build_prompt,
    check_lengths,
    keyword_moves_for,
    length_problems,
    models_misreading_keywords,
    shorten,
    strip_camera_keywords,
)
from qcut_ai.core.prompt_presets import (
    PLATFORMS,
    STYLES,
    SUGGESTIONS,
    camera_move,
    platform_preset,
    style_preset,
    understands_camera_keywords,
)

CATALOG = load_catalog()
HAILUO = CATALOG.get("hailuo-2.3-pro")
VEO = CATALOG.get("veo3.1")
WAN = CATALOG.get("wan-2.5")
SEEDANCE = CATALOG.get("seedance-pro")


def test_parts_are_assembled_in_a_clear_order() -> None:
    parts = PromptParts(
        subject="a red fox in fresh snow",
        scenes=("it sniffs the air",),
        camera=("push_in",),
        lighting="pale winter morning light",
        style="realistic",
        mood="calm and wild",
        platform="youtube",
    )
    prompt = build_prompt(parts)
    assert prompt.startswith("A red fox in fresh snow. It sniffs the air.")
    order = ["fox", "sniffs", "pushes in", "winter morning", "photorealistic", "calm", "widescreen"]
    positions = [prompt.lower().index(word) for word in order]
    assert positions == sorted(positions)
    assert "  " not in prompt and ".." not in prompt


def test_three_scenes_read_as_a_sequence_and_a_fourth_is_refused() -> None:
    prompt = build_prompt(PromptParts(subject="A chef", scenes=("Chops onions", "fries", "plates")))
    assert "First, chops onions. Then, fries. Finally, plates." in prompt
    with pytest.raises(InvalidRequestError, match="at most 3 scenes"):
        PromptParts(scenes=("a", "b", "c", "d"))
    # Blank scene fields do not count.
    assert PromptParts(scenes=("a", " ", "", "b")).scenes == ("a", "b")


def test_the_seven_required_styles_exist_and_add_their_look() -> None:
    ids = {s.id for s in STYLES}
    assert {"cinematic", "anime", "realistic", "abstract", "noir", "retro", "neon"} <= ids
    for style in STYLES:
        prompt = build_prompt(PromptParts(subject="a city street", style=style.label))
        assert style.look.split(",")[0] in prompt.lower()


def test_style_lighting_is_a_fallback_and_free_text_style_is_kept() -> None:
    noir = style_preset("noir")
    assert noir is not None
    assert noir.lighting in build_prompt(PromptParts(subject="a detective", style="noir"))
    own_light = build_prompt(PromptParts(subject="a detective", style="noir", lighting="candles"))
    assert "Lit by candles." in own_light and noir.lighting not in own_light
    assert "Oil painting, thick brush strokes." in build_prompt(
        PromptParts(subject="a harbour", style="oil painting, thick brush strokes")
    )


@pytest.mark.parametrize(
    ("name", "aspect"),
    [
        ("reels", "9:16"),
        ("TikTok", "9:16"),
        ("YouTube Shorts", "9:16"),
        ("youtube", "16:9"),
        ("square", "1:1"),
    ],
)
def test_platform_presets_set_aspect_ratio_and_a_short_form_length(name: str, aspect: str) -> None:
    preset = platform_preset(name)
    assert preset is not None
    assert preset.aspect_ratio == aspect
    assert 4 <= preset.duration <= 12
    prompt = build_prompt(PromptParts(subject="a dancer", platform=name))
    assert preset.framing in prompt.lower()


def test_platform_durations_exist_on_common_models() -> None:
    kling = CATALOG.get("kling-2.6-pro")
    for preset in PLATFORMS:
        nearest = min(kling.durations(), key=lambda s: abs(s - preset.duration))
        assert abs(nearest - preset.duration) <= 5


def test_hailuo_gets_bracket_camera_commands_and_other_models_get_words() -> None:
    parts = PromptParts(subject="a lighthouse on a cliff", camera=("pan_left", "Zoom in"))
    assert build_prompt(parts, [HAILUO]).startswith("[Pan left, Zoom in] A lighthouse")
    worded = build_prompt(parts, [VEO])
    assert "[" not in worded
    assert "the camera pans left, then the lens zooms in" in worded.lower()
    # One model that would read brackets literally is enough to use words for all.
    assert "[" not in build_prompt(parts, [HAILUO, VEO])
    assert "[" not in build_prompt(parts)


def test_at_most_three_bracket_commands_then_words() -> None:
    parts = PromptParts(subject="a car", camera=("pan_left", "tilt_up", "zoom_in", "shake"))
    prompt = build_prompt(parts, [HAILUO])
    assert prompt.startswith("[Pan left, Tilt up, Zoom in] A car.")
    assert "shakes" in prompt


def test_free_camera_words_and_moves_without_a_command() -> None:
    parts = PromptParts(subject="a castle", camera=("orbit", "slow dolly on rails"))
    prompt = build_prompt(parts, [HAILUO])
    assert "[" not in prompt
    assert "orbits around the subject" in prompt and "Camera: slow dolly on rails." in prompt


def test_keyword_buttons_only_for_models_that_read_them() -> None:
    assert {m.keyword for m in keyword_moves_for([HAILUO])} >= {"[Pan left]", "[Zoom in]"}
    assert keyword_moves_for([VEO, CATALOG.get("kling-2.6-pro")]) == ()
    minimax = {s.id for s in CATALOG if understands_camera_keywords(s)}
    # Hailuo reads them; MiniMax's H3 does not say it does, so it gets no buttons.
    assert minimax == {s.id for s in CATALOG if "hailuo" in s.endpoint}
    assert "hailuo-2.3-pro" in minimax
    assert camera_move("[Static shot]") is not None
    assert camera_move("Tracking shot") is not None


def test_bracket_commands_in_free_text_are_flagged_and_can_be_stripped() -> None:
    prompt = "[Truck left, Pan right] A market at dawn [logo]."
    misread = models_misreading_keywords(prompt, [HAILUO, VEO, WAN])
    assert [s.id for s in misread] == ["veo3.1", "wan-2.5"]
    assert strip_camera_keywords(prompt) == "A market at dawn [logo]."
    assert models_misreading_keywords("A market [logo].", [VEO]) == []


def test_length_check_names_the_model_that_refuses_or_cuts() -> None:
    prompt = "A fox runs through snow. " * 84  # 2,100 characters
    checks = {c.model_id: c for c in check_lengths(prompt, [VEO, HAILUO, WAN, SEEDANCE])}
    assert checks["veo3.1"].verdict is LengthVerdict.FITS
    assert checks["seedance-pro"].verdict is LengthVerdict.NO_LIMIT
    refused = checks["hailuo-2.3-pro"]
    assert refused.verdict is LengthVerdict.REFUSED and refused.over == len(prompt) - 2000
    assert "Hailuo 2.3 Pro refuses prompts over 2,000 characters" in refused.text()
    cut = checks["wan-2.5"]
    assert cut.verdict is LengthVerdict.TRUNCATED
    assert "Wan 2.5 Preview reads only the first 1,500 characters" in cut.text()
    assert [c.model_id for c in length_problems(prompt, [VEO, HAILUO, WAN])] == [
        "hailuo-2.3-pro",
        "wan-2.5",
    ]


def test_shorten_keeps_whole_sentences_within_the_limit() -> None:
    prompt = "A fox runs through snow. " * 84
    short = shorten(prompt, 1500)
    assert len(short) <= 1500 and short.endswith("snow.")
    assert length_problems(short, [WAN, HAILUO]) == []
    assert shorten("one two three four", 12) == "one two"
    assert shorten("fits", 100) == "fits"


def test_every_suggestion_builds_a_prompt() -> None:
    assert len(SUGGESTIONS) >= 4
    for suggestion in SUGGESTIONS:
        parts = PromptParts(
            subject=suggestion.subject,
            scenes=suggestion.scenes,
            camera=suggestion.camera,
            lighting=suggestion.lighting,
            style=suggestion.style,
            mood=suggestion.mood,
        )
        prompt = build_prompt(parts, [HAILUO])
        assert prompt and suggestion.subject in prompt
        assert length_problems(prompt, [HAILUO, WAN]) == []
