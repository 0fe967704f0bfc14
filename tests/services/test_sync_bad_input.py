"""A hostile or broken listing: each bad entry is refused with one sentence, the rest applies,
and nothing that already worked is lost."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from qcut_ai.core.catalog import load_catalog
from qcut_ai.services.catalog_sync import SyncReport, sync_catalog
from qcut_ai.services.fal_platform import FalPlatformClient, PlatformError
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.services.rehearsal.registry_openapi import openapi_for

VEO = "fal-ai/veo3.1/fast"  # a curated model that works before the bad answer
FRESH = "acme-labs/orbit/v2/text-to-video"  # a good new model in the same sync


def _fresh_record(standin: StandIn) -> dict[str, Any]:
    record = copy.deepcopy(standin.registry.record("fal-ai/veo3.1/lite"))
    record.update(endpoint_id=FRESH, title="Orbit 2", published="2026-11-20")
    return record


def _sync(standin: StandIn) -> SyncReport:
    with FalPlatformClient(OFFLINE_KEY, base_url=standin.base_url, backoff_s=0.01) as client:
        return sync_catalog(client, now=datetime(2026, 12, 1, tzinfo=UTC))


def _veo_document(standin: StandIn) -> dict[str, Any]:
    return openapi_for(standin.registry.record(VEO))


def _input_schema(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document["components"]["schemas"]
    found: dict[str, Any] = schemas[next(k for k in schemas if k.endswith("Input"))]
    return found


def _many_fields(document: dict[str, Any]) -> Any:
    _input_schema(document)["properties"] = {f"f{i}": {"type": "string"} for i in range(10_000)}
    return document


def _huge_enum(document: dict[str, Any]) -> Any:
    _input_schema(document)["properties"]["duration"] = {
        "type": "string",
        "enum": [f"{i}s" for i in range(100_000)],
    }
    return document


def _ref_loop(document: dict[str, Any]) -> Any:
    document["components"]["schemas"]["Loop"] = {"allOf": [{"$ref": "#/components/schemas/Loop"}]}
    _input_schema(document)["properties"]["prompt"] = {"$ref": "#/components/schemas/Loop"}
    return document


def _fifty_megabytes(document: dict[str, Any]) -> Any:
    document["info"]["description"] = "x" * (50 * 1024**2)
    return document


def _wrong_types(document: dict[str, Any]) -> Any:
    return {"openapi": "3.0.4", "paths": ["not", "an", "object"]}


@pytest.mark.parametrize(
    ("bad", "sentence"),
    [
        (_many_fields, "it has 10,000 inputs (the limit is 300)"),
        (_huge_enum, "'duration' lists 100,000 choices (the limit is 1,000)"),
        (_ref_loop, "refers back to itself"),
        (_fifty_megabytes, "the answer was too large to read"),
        (_wrong_types, "it has no paths"),
    ],
    ids=["10000-fields", "100000-enum", "ref-loop", "50-mb-body", "wrong-types"],
)
def test_a_hostile_schema_is_refused_and_the_model_keeps_its_last_good_form(
    standin: StandIn, bad: Callable[[dict[str, Any]], Any], sentence: str
) -> None:
    before = load_catalog().get("veo3.1-fast")
    standin.registry.set_document(VEO, bad(_veo_document(standin)))
    standin.registry.touch(VEO, "2026-11-30T00:00:00Z")  # fal updated it: refetched
    standin.registry.add(_fresh_record(standin))
    report = _sync(standin)
    assert report.applied and FRESH in report.added  # the rest applies
    (refusal,) = report.refused
    assert VEO in refusal and sentence in refusal
    assert refusal.count(". ") == 0 and refusal.endswith(".")  # one sentence
    after = load_catalog().get("veo3.1-fast")
    assert after.active and after.fields == before.fields  # nothing that worked is lost


def test_the_malformed_schema_fault_is_refused_for_that_endpoint_only(standin: StandIn) -> None:
    standin.registry.add(_fresh_record(standin))
    standin.registry.add({**_fresh_record(standin), "endpoint_id": "acme-labs/orbit/v2/lite"})
    standin.inject("malformed-schema", endpoint="acme-labs/orbit/v2/lite")
    report = _sync(standin)
    assert FRESH in report.added and "acme-labs/orbit/v2/lite" not in report.added
    assert report.refused == [
        "fal's schema for acme-labs/orbit/v2/lite was refused: it has no paths."
    ]


@pytest.mark.parametrize(
    "bad_id",
    ["fal-ai/../../etc/passwd", "fal-ai/with space/model", "no-slash", "../x/y", 42, None],
)
def test_listing_entries_with_bad_ids_are_refused(standin: StandIn, bad_id: Any) -> None:
    good = standin.registry.model("fal-ai/veo3.1/lite", expand=False)
    standin.registry.put_raw(str(bad_id), {**good, "endpoint_id": bad_id})
    standin.registry.add(_fresh_record(standin))
    report = _sync(standin)
    assert FRESH in report.added
    refusals = [r for r in report.refused if "it is not a fal endpoint id" in r]
    assert len(refusals) == 1 and refusals[0].startswith("fal's listing entry ")
    assert all(str(bad_id) not in m.endpoint for m in load_catalog())


@pytest.mark.parametrize(
    ("metadata", "words"),
    [
        ({"status": 5}, "metadata.status"),
        ({"status": "retired-ish"}, "metadata.status"),
        ({"display_name": ["a", "list"]}, "metadata.display_name"),
        ({"updated_at": 20261130}, "metadata.updated_at"),
    ],
)
def test_listing_entries_with_wrong_types_are_refused(
    standin: StandIn, metadata: dict[str, Any], words: str
) -> None:
    good = standin.registry.model("fal-ai/veo3.1/lite", expand=False)
    broken = {**good, "metadata": {**good["metadata"], **metadata}}
    standin.registry.put_raw(
        "acme-labs/broken/model", {**broken, "endpoint_id": "acme-labs/broken/model"}
    )
    standin.registry.add(_fresh_record(standin))
    report = _sync(standin)
    assert FRESH in report.added and "acme-labs/broken/model" not in load_catalog()
    (refusal,) = report.refused
    assert refusal.startswith("fal's listing entry 'acme-labs/broken/model' was refused: ")
    assert words in refusal


def test_an_entry_that_is_not_an_object_is_refused(standin: StandIn) -> None:
    standin.registry.put_raw("acme-labs/odd/model", ["not", "an", "object"])
    report = _sync(standin)
    assert report.applied and report.refused == [
        "fal's listing entry without an id was refused: it is not a fal endpoint id."
    ]


def test_a_page_cut_off_every_time_fails_the_sync_and_changes_nothing(standin: StandIn) -> None:
    offered = len(load_catalog().offered())
    standin.inject("platform-truncated", times=None)
    with pytest.raises(PlatformError, match="was not valid JSON"):
        _sync(standin)
    assert len(load_catalog().offered()) == offered and load_catalog().source == "snapshot"
