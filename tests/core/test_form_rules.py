"""The panel's rules, without a window: derive actions, where each error shows, input checks,
and how a model is described in the picker."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcut_ai.core.catalog import Category, MediaRole, ModelSpec, Role, load_catalog
from qcut_ai.core.derive import DeriveError, plan_derive
from qcut_ai.core.form_errors import Place, collect_errors
from qcut_ai.core.input_checks import LocalFile, file_problem, frames_problem, ratio_problem
from qcut_ai.core.media import MediaItem, MediaKind, Origin, ProbeInfo, Provenance
from qcut_ai.core.model_facts import price_text, resolution_text, typical_time_text
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.selection import plan_selection

VEO_I2V = "veo3.1-fast-i2v"  # takes an image, caps it at 8 MB
KLING_I2V = "kling-2.5-turbo-pro-i2v"  # first and last frame of the same shape
WAN = "wan-2.2-turbo"
KLING = "kling-2.5-turbo-pro"  # prompts up to 2,500 characters


def _spec(model_id: str) -> ModelSpec:
    return load_catalog().get(model_id)


def _only_wide(spec: ModelSpec) -> ModelSpec:
    """The model as if it made 16:9 video only."""
    fields = tuple(
        f.model_copy(update={"choices": ("16:9",), "default": "16:9"})
        if f.role == Role.ASPECT_RATIO
        else f
        for f in spec.fields
    )
    return spec.model_copy(update={"fields": fields})


def _item(path: str, provenance: Provenance | None = None) -> MediaItem:
    return MediaItem(
        id=7,
        name=Path(path).name,
        path=path,
        kind=MediaKind.VIDEO,
        origin=Origin.AI if provenance else Origin.IMPORTED,
        created_at="2026-12-01T10:00:00+00:00",
        probe=ProbeInfo(kind=MediaKind.VIDEO, duration=5.0, width=1280, height=720),
        provenance=provenance.model_dump() if provenance else None,
    )


# -- derive ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "category", "role"),
    [
        ("animate", Category.IMAGE_TO_VIDEO, "image"),
        ("first_frame", Category.FRAME_TO_VIDEO, "image"),
        ("last_frame", Category.FRAME_TO_VIDEO, "end_image"),
        ("upscale", Category.UPSCALE, "video"),
    ],
)
def test_a_clip_fills_the_input_of_the_tab_its_action_opens(
    action: str, category: Category, role: str
) -> None:
    plan = plan_derive(action, _item("/p/media/clip.mp4"))
    assert plan.category is category and plan.inputs == {role: "/p/media/clip.mp4"}
    assert not plan.run_now


def test_regenerate_reuses_the_prompt_and_framing_but_not_the_seed() -> None:
    prov = Provenance(
        endpoint=_spec(WAN).endpoint,
        model_id=WAN,
        model_name="Wan 2.2 Turbo",
        request_id="r1",
        prompt="paper boats on a pond",
        arguments={"prompt": "paper boats on a pond", "aspect_ratio": "9:16", "seed": 42},
        seed=42,
    )
    plan = plan_derive("regenerate", _item("/p/media/boats.mp4", prov))
    assert plan.run_now and plan.model_ids == [WAN]
    assert plan.request is not None
    assert plan.request.prompt == "paper boats on a pond"
    assert plan.request.aspect_ratio == "9:16" and plan.request.seed is None
    chosen = plan_derive("regenerate_with", _item("/p/media/boats.mp4", prov))
    assert not chosen.run_now and chosen.model_ids == []


def test_actions_that_cannot_start_say_why_in_one_sentence() -> None:
    with pytest.raises(DeriveError, match="no generation record"):
        plan_derive("regenerate", _item("/p/media/imported.mp4"))
    with pytest.raises(DeriveError, match="last frame of 'clip' could not be read"):
        plan_derive("continue", _item("/p/media/clip.mp4"), None)
    with pytest.raises(DeriveError, match="Unknown library action"):
        plan_derive("remix", _item("/p/media/clip.mp4"))
    with pytest.raises(DeriveError, match="Unknown library action"):
        plan_derive("sharpen", _item("/p/media/clip.mp4"))


# -- where errors show --------------------------------------------------------------------


def test_each_problem_shows_beside_its_field_in_form_order() -> None:
    spec = _spec(KLING)
    limit = spec.prompt_max_length or 0
    assert limit
    plan = plan_selection([spec], GenerationRequest(prompt="x" * (limit + 50)))
    errors = collect_errors(
        Category.TEXT_TO_VIDEO,
        plan,
        input_problems={MediaRole.IMAGE: "The image is not a readable image."},
        unreadable_extras={},
        extra_key=lambda _model, _name: None,
        missing=False,
    )
    assert list(errors) == [Place("input", "image"), Place("prompt")]
    assert errors[Place("prompt")].startswith(f"Prompt for {spec.name}:")


def test_missing_inputs_show_only_once_generate_was_pressed() -> None:
    plan = plan_selection([_spec(VEO_I2V)], GenerationRequest(prompt="waves"))
    quiet = collect_errors(
        Category.IMAGE_TO_VIDEO,
        plan,
        input_problems={},
        unreadable_extras={},
        extra_key=lambda _m, _n: None,
        missing=False,
    )
    pressed = collect_errors(
        Category.IMAGE_TO_VIDEO,
        plan,
        input_problems={},
        unreadable_extras={},
        extra_key=lambda _m, _n: None,
        missing=True,
    )
    assert quiet == {}
    assert list(pressed) == [Place("input", "image")]
    assert "Image" in pressed[Place("input", "image")]
    no_models = collect_errors(
        Category.IMAGE_TO_VIDEO,
        plan_selection([], GenerationRequest()),
        input_problems={},
        unreadable_extras={},
        extra_key=lambda _m, _n: None,
        missing=True,
    )
    assert no_models == {Place("models"): "Select at least one model."}


# -- input checks ---------------------------------------------------------------------------


def test_a_file_is_judged_from_what_the_worker_read() -> None:
    veo = [_spec(VEO_I2V)]
    path = "/in/still.png"
    assert file_problem(None, path, MediaRole.IMAGE, veo) is None  # not read yet
    gone = LocalFile(path, exists=False)
    assert file_problem(gone, path, MediaRole.IMAGE, veo) == "File not found."
    text = LocalFile("/in/notes.txt", exists=True, suffix=".txt", size=10)
    assert "is not accepted" in (file_problem(text, "/in/notes.txt", MediaRole.IMAGE, veo) or "")
    big = LocalFile(path, exists=True, suffix=".png", size=9 * 1024**2)
    assert "over this model's 8 MB limit" in (file_problem(big, path, MediaRole.IMAGE, veo) or "")
    both = [*veo, _spec(KLING_I2V)]
    assert (file_problem(big, path, MediaRole.IMAGE, both) or "").startswith(veo[0].name)
    cmyk = LocalFile(path, exists=True, suffix=".png", size=100, problem="is a CMYK image")
    assert file_problem(cmyk, path, MediaRole.IMAGE, veo) == "Is a CMYK image."
    assert file_problem(None, "https://cdn.example/a.png", MediaRole.IMAGE, veo) is None


def test_shapes_follow_the_models_ratios_and_the_first_frame() -> None:
    wide_only = [_only_wide(_spec(VEO_I2V))]
    assert ratio_problem((1920, 1080), MediaRole.IMAGE, wide_only) is None
    assert ratio_problem((1920, 1088), MediaRole.IMAGE, wide_only) is None  # a hair off 16:9
    tall = ratio_problem((1080, 1920), MediaRole.IMAGE, wide_only) or ""
    assert "makes 16:9 video" in tall and "9:16 (1080x1920)" in tall
    kling = [_spec(KLING_I2V)]
    assert frames_problem((1920, 1080), (1280, 720), kling) is None
    assert "crop both to the same aspect ratio" in (
        frames_problem((1920, 1080), (1080, 1080), kling) or ""
    )


# -- how a model is described ----------------------------------------------------------------


def test_the_picker_describes_a_model_from_its_catalogue_facts() -> None:
    spec = _spec(WAN)
    assert price_text(spec) == "$0.10"
    assert resolution_text(spec) == "480p–720p"
    assert typical_time_text(spec) == "~30 s"
