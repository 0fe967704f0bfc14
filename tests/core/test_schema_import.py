"""fal's OpenAPI documents into wire fields: exactly as fal states them, never a guess.

The samples in tests/data/openapi-samples/ are two of fal's own documents and
seven rebuilt in fal's structure from registry facts (see its SOURCES.md);
the registry records the stand-in serves give every other endpoint.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from qcut_ai.core.catalog_fields import FieldType, Role
from qcut_ai.core.schema_import import MAX_ENUM_VALUES, SchemaError, import_schema
from qcut_ai.services.rehearsal.registry import recorded_endpoints
from qcut_ai.services.rehearsal.registry_openapi import openapi_for

SAMPLES = Path(__file__).parents[1] / "data" / "openapi-samples"


def sample(endpoint: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (SAMPLES / (endpoint.replace("/", "__") + ".json")).read_text("utf-8")
    )
    return document


def fields(endpoint: str) -> dict[str, Any]:
    return {f.name: f for f in import_schema(sample(endpoint), endpoint).fields}


def test_string_enum_durations_stay_strings() -> None:
    kling = fields("fal-ai/kling-video/v2.1/master/image-to-video")
    assert kling["duration"].type is FieldType.STRING
    assert kling["duration"].choices == ("5", "10") and kling["duration"].default == "5"
    veo = fields("fal-ai/veo3.1/first-last-frame-to-video")
    assert veo["duration"].choices == ("4s", "6s", "8s")
    assert veo["safety_tolerance"].choices == ("1", "2", "3", "4", "5", "6")


def test_integer_enums_and_ranges_stay_integers() -> None:
    horse = fields("alibaba/happy-horse/image-to-video")
    assert horse["duration"].type is FieldType.INTEGER
    assert horse["duration"].choices == tuple(range(3, 16)) and horse["duration"].default == 5
    grok = fields("xai/grok-imagine-video/text-to-video")
    assert (grok["duration"].type, grok["duration"].min, grok["duration"].max) == (
        FieldType.INTEGER,
        1,
        15,
    )
    assert grok["duration"].default == 6


def test_numbers_limits_and_optional_fields_without_defaults() -> None:
    upscaler = fields("fal-ai/bytedance-upscaler/upscale/video")
    fps = upscaler["target_fps"]
    assert (fps.type, fps.default, fps.min, fps.max) == (FieldType.NUMBER, 30, 24, 120)
    assert upscaler["bit_depth"].type is FieldType.INTEGER
    assert upscaler["bit_depth"].choices == (8, 10, 12)
    assert upscaler["target_resolution"].choices == ("1080p", "2k", "4k", "6k", "8k")
    ratio = upscaler["scale_ratio"]  # anyOf [number, null]: optional, no default
    assert (ratio.type, ratio.default, ratio.min, ratio.max) == (FieldType.NUMBER, None, 1.1, 10)
    assert not ratio.required


def test_required_inputs_media_roles_and_field_order() -> None:
    document = sample("fal-ai/veo3.1/first-last-frame-to-video")
    imported = import_schema(document, "fal-ai/veo3.1/first-last-frame-to-video")
    order = document["components"]["schemas"]["Veo31FirstLastFrameToVideoInput"][
        "x-fal-order-properties"
    ]
    assert [f.name for f in imported.fields] == order
    by_name = {f.name: f for f in imported.fields}
    assert by_name["first_frame_url"].role is Role.IMAGE and by_name["first_frame_url"].required
    assert by_name["last_frame_url"].role is Role.END_IMAGE
    assert by_name["prompt"].role is Role.PROMPT and by_name["prompt"].required
    avatar = fields("fal-ai/kling-video/ai-avatar/v2/pro")
    assert avatar["audio_url"].role is Role.AUDIO and avatar["prompt"].default == "."
    extend = fields("fal-ai/pixverse/v6/extend")
    assert extend["video_url"].role is Role.VIDEO and extend["video_url"].required
    assert extend["style"].choices is not None and extend["style"].default is None


def test_genuine_reference_list_and_min_length() -> None:
    refs = fields("alibaba/happy-horse/reference-to-video")
    images = refs["image_urls"]
    assert (images.type, images.role, images.required) == (
        FieldType.STRING_LIST,
        Role.REFERENCE_IMAGES,
        True,
    )
    assert refs["prompt"].min_length == 1  # in fal's own text, not in the registry


def test_mixed_enum_keeps_each_values_type() -> None:
    (record,) = [
        r for r in recorded_endpoints() if r["endpoint_id"].endswith("ltx-2.5/text-to-video/pro")
    ]
    imported = import_schema(openapi_for(record), record["endpoint_id"])
    duration = next(f for f in imported.fields if f.name == "duration")
    assert duration.type is FieldType.ENUM
    assert duration.choices == (6, 8, 10, "auto") and duration.default == "auto"
    assert duration.check(8) is None and duration.check("8") is not None


def test_output_kind_and_result_key_come_from_the_output_schema() -> None:
    imported = import_schema(
        sample("xai/grok-imagine-video/text-to-video"), "xai/grok-imagine-video/text-to-video"
    )
    assert (imported.output, imported.result_key, imported.unsupported) == ("video", "video", None)
    document = sample("xai/grok-imagine-video/text-to-video")
    output = document["components"]["schemas"]["GrokImagineVideoTextToVideoOutput"]
    output["properties"]["audio"] = {"$ref": "#/components/schemas/VideoFile"}
    assert import_schema(document, "xai/grok-imagine-video/text-to-video").output == "video+audio"
    del output["properties"]["video"]
    del output["properties"]["audio"]
    with pytest.raises(SchemaError, match="no video file"):
        import_schema(document, "xai/grok-imagine-video/text-to-video")


def test_refs_and_allof_are_resolved() -> None:
    document = sample("xai/grok-imagine-video/text-to-video")
    schemas = document["components"]["schemas"]
    schemas["Resolution"] = {"type": "string", "enum": ["480p", "720p"]}
    inputs = schemas["GrokImagineVideoTextToVideoInput"]
    inputs["properties"]["resolution"] = {
        "allOf": [{"$ref": "#/components/schemas/Resolution"}],
        "default": "480p",
    }
    resolution = next(
        f
        for f in import_schema(document, "xai/grok-imagine-video/text-to-video").fields
        if f.name == "resolution"
    )
    assert resolution.choices == ("480p", "720p") and resolution.default == "480p"


def _input(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document["components"]["schemas"]
    name = next(k for k in schemas if k.endswith("Input"))
    schema: dict[str, Any] = schemas[name]
    return schema


def test_a_ref_loop_is_refused_with_one_sentence() -> None:
    document = sample("xai/grok-imagine-video/text-to-video")
    document["components"]["schemas"]["Loop"] = {"$ref": "#/components/schemas/Loop"}
    _input(document)["properties"]["prompt"] = {"$ref": "#/components/schemas/Loop"}
    with pytest.raises(SchemaError) as caught:
        import_schema(document, "xai/grok-imagine-video/text-to-video")
    text = caught.value.message
    assert "refers back to itself" in text and text.count(".") == 1


def test_huge_schemas_and_enums_are_refused() -> None:
    document = sample("xai/grok-imagine-video/text-to-video")
    many = copy.deepcopy(document)
    _input(many)["properties"] = {f"f{i}": {"type": "string"} for i in range(10_000)}
    with pytest.raises(SchemaError, match="10,000 inputs"):
        import_schema(many, "xai/grok-imagine-video/text-to-video")
    wide = copy.deepcopy(document)
    _input(wide)["properties"]["style"] = {
        "type": "string",
        "enum": [f"s{i}" for i in range(100_000)],
    }
    with pytest.raises(SchemaError, match="100,000 choices"):
        import_schema(wide, "xai/grok-imagine-video/text-to-video")
    assert MAX_ENUM_VALUES >= 800  # fal's HeyGen avatar list (~800 names) still fits


@pytest.mark.parametrize("broken", [None, [], {"openapi": "3.0.4"}, {"openapi": "3", "paths": 5}])
def test_documents_that_are_not_openapi_are_refused(broken: Any) -> None:
    with pytest.raises(SchemaError, match="was refused"):
        import_schema(broken, "fal-ai/some/model")


def test_unmappable_inputs_stay_visible_and_required_ones_make_it_unsupported() -> None:
    document = sample("xai/grok-imagine-video/text-to-video")
    properties = _input(document)["properties"]
    properties["loras"] = {"type": "array", "items": {"type": "object"}}
    properties["mask_url"] = {"type": "string"}
    imported = import_schema(document, "xai/grok-imagine-video/text-to-video")
    by_name = {f.name: f for f in imported.fields}
    assert by_name["loras"].type is FieldType.JSON and by_name["loras"].advanced
    assert by_name["mask_url"].advanced and by_name["mask_url"].role is None
    assert imported.unsupported is None  # optional: the model still works without them
    _input(document)["required"] = ["prompt", "loras"]
    unsupported = import_schema(document, "xai/grok-imagine-video/text-to-video").unsupported
    assert unsupported == "it needs loras, a structured input qcut-ai cannot provide yet"


def _facts_match(record: dict[str, Any]) -> list[str]:
    imported = import_schema(record.get("openapi") or openapi_for(record), record["endpoint_id"])
    wrong = []
    for fact, field in zip(record["inputs"], imported.fields, strict=True):
        where = f"{record['endpoint_id']} {fact['name']}"
        if field.name != fact["name"] or field.required != bool(fact["required"]):
            wrong.append(f"{where}: name or required")
        if fact["enum"] and list(field.choices or ()) != fact["enum"]:
            wrong.append(f"{where}: choices {field.choices}")
        if fact["is_list"]:
            # A list of texts (image URLs) is mapped; a list of anything else stays JSON.
            wanted = FieldType.STRING_LIST if fact["type"] == "string" else FieldType.JSON
            if field.type is not wanted:
                wrong.append(f"{where}: type {field.type}")
        elif fact["type"] in ("integer", "number", "boolean", "string") and (
            field.type.value != fact["type"]
        ):
            wrong.append(f"{where}: type {field.type}")
        scalar = isinstance(fact["default"], str | int | float | bool)
        if fact["default"] is not None and scalar and field.default != fact["default"]:
            wrong.append(f"{where}: default {field.default!r}")
        for limit in ("min", "max"):
            if fact[limit] is not None and getattr(field, limit) != fact[limit]:
                wrong.append(f"{where}: {limit}")
    return wrong


def test_every_recorded_endpoint_imports_as_fal_states_it() -> None:
    problems = [line for record in recorded_endpoints() for line in _facts_match(record)]
    assert problems == []
