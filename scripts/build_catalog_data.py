"""Rebuild the shipped fal facts from a registry snapshot: run when fal's facts are refreshed.

Reads a distilled fal registry (`video-endpoints.json`: one record per video
endpoint, inputs with wire types, enums, defaults, limits) and writes:

* `resources/standin_registry.json`: the records the offline stand-in serves
  as fal's Platform API (every curated endpoint, plus a few live endpoints
  the overlay does not curate, so an offline sync has something to add),
  with fal's genuine OpenAPI documents embedded where we have them;
* `resources/fal_snapshot.json`: the catalogue snapshot the app starts from,
  made the way a sync makes it: each record's OpenAPI document (genuine, or
  rebuilt by the stand-in) through the real schema importer.

Records of curated endpoints the registry no longer has are kept from the
previous snapshot and marked gone, as a sync would.

    .venv/bin/python scripts/build_catalog_data.py REGISTRY.json [--samples DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qcut_ai.core.catalog_overlay import OverlayFile  # noqa: E402
from qcut_ai.core.catalog_placement import place  # noqa: E402
from qcut_ai.core.catalog_records import EndpointRecord, SyncFile  # noqa: E402
from qcut_ai.core.schema_import import import_schema  # noqa: E402
from qcut_ai.services.rehearsal.registry_openapi import openapi_for  # noqa: E402

RESOURCES = ROOT / "resources"
# Live endpoints the overlay does not curate: an offline sync adds them, and
# one needs a structured input qcut-ai cannot build (listed "not supported yet").
EXTRA_ENDPOINTS = (
    "fal-ai/kling-video/o1/image-to-video",
    "fal-ai/pixverse/c1/text-to-video",
    "google/gemini-omni-flash/v1.1/text-to-video",
    "fal-ai/hunyuan-video-v1.5/text-to-video",
    "veed/fabric-1.0",
    "fal-ai/pika/v2.2/text-to-video",
    "decart/lucy-edit/pro",
    "moonvalley/marey/t2v",
    "fal-ai/cosmos-predict-2.5/text-to-video",
    "fal-ai/ltx-2-19b/audio-to-video/lora",
    "fal-ai/veo2",
)
_AMOUNT = r"(?:\$\s?(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s?\$)"
# fal sentences that state one plain unit price, and the unit they state it in.
_PER_SECOND = r"\s*(?:/s\b|/sec|/second|per (?:generated |output |video |output video )?second)"
_UNIT_PRICES = (
    (re.compile(_AMOUNT + _PER_SECOND), "second"),
    (re.compile(r"(?:every|each) second[^$.]{0,60}?" + _AMOUNT), "second"),
    (
        re.compile(_AMOUNT + r"\s*(?:for every|per) (?:\w+ )?(?:video|output video) second"),
        "second",
    ),
    (re.compile(_AMOUNT + r"\s*per (?:\d+ second )?video(?: generation)?(?! second)"), "video"),
)


def unit_price_of(price_text: str | None) -> dict[str, Any] | None:
    """The stand-in's unit price: the first plain per-second or per-video amount in fal's
    price sentence (fal's pricing API states one unit price, the base of its
    adjustments). Sentences priced otherwise (tokens, megapixels, a 5 s base) get none."""
    if not price_text:
        return None
    found: list[tuple[int, float, str]] = []
    for pattern, unit in _UNIT_PRICES:
        match = pattern.search(price_text)
        if match is not None:
            amount = next(g for g in match.groups() if g is not None)
            found.append((match.start(), float(amount), unit))
    if not found:
        return None
    _, amount, unit = min(found)
    return {"unit_price": amount, "unit": unit, "currency": "USD"}


def _registry_record(raw: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "endpoint_id",
        "category",
        "lab",
        "family",
        "title",
        "published",
        "deprecated",
        "deprecated_reason",
        "output_props",
        "inputs",
        "price_text",
    )
    record = {k: raw[k] for k in keep if raw.get(k) is not None}
    price = unit_price_of(raw.get("price_text"))
    if price is not None:
        record["unit_price"] = price
    return record


def snapshot_record(record: dict[str, Any], snapshot: str) -> EndpointRecord:
    """What a sync stores for this registry record (through the real importer)."""
    endpoint = record["endpoint_id"]
    document = record.get("openapi") or openapi_for(record)
    imported = import_schema(document, endpoint)
    deprecated = bool(record.get("deprecated"))
    return EndpointRecord(
        endpoint_id=endpoint,
        display_name=record.get("title", ""),
        category=record.get("category", ""),
        vendor=record.get("lab") or "",
        family=record.get("family") or "",
        status="deprecated" if deprecated else "active",
        retired_on=snapshot if deprecated else None,
        updated_at=f"{record.get('published', snapshot)}T00:00:00Z",
        synced_at=f"{snapshot}T00:00:00Z",
        fields=imported.fields,
        output=imported.output,
        result_key=imported.result_key,
        unsupported=imported.unsupported,
        notes=imported.notes,
        placement=place(imported.fields, record.get("category", ""), endpoint),
        price_text=record.get("price_text"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("registry", type=Path, help="video-endpoints.json")
    parser.add_argument(
        "--samples",
        type=Path,
        default=ROOT / "tests" / "data" / "openapi-samples",
        help="folder of fal OpenAPI documents (genuine ones are embedded)",
    )
    args = parser.parse_args(argv)
    registry = json.loads(args.registry.read_text("utf-8"))
    snapshot = registry["snapshot"]
    by_id = {e["endpoint_id"]: e for e in registry["endpoints"]}
    overlay = OverlayFile.model_validate_json((RESOURCES / "model_overlay.json").read_text())
    curated = [m.endpoint for m in overlay.models]
    genuine = {}
    for path in sorted(args.samples.glob("*.json")):
        document = json.loads(path.read_text("utf-8"))
        if "x-reconstructed" not in document:  # fal's own text, kept verbatim
            genuine[document["info"]["x-fal-metadata"]["endpointId"]] = document
    wanted = [e for e in dict.fromkeys([*curated, *EXTRA_ENDPOINTS]) if e in by_id]
    records = []
    for endpoint in wanted:
        record = _registry_record(by_id[endpoint])
        if endpoint in genuine:
            record["openapi"] = genuine[endpoint]
        records.append(record)
    standin = {"snapshot": snapshot, "source": registry.get("source", ""), "endpoints": records}
    (RESOURCES / "standin_registry.json").write_text(
        json.dumps(standin, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8"
    )
    previous_path = RESOURCES / "fal_snapshot.json"
    previous = (
        SyncFile.model_validate_json(previous_path.read_text()).by_endpoint()
        if previous_path.exists()
        else {}
    )
    out: list[EndpointRecord] = []
    for endpoint in curated:
        if endpoint in by_id:
            raw = next(r for r in records if r["endpoint_id"] == endpoint)
            out.append(snapshot_record(raw, snapshot))
        elif endpoint in previous:
            kept = previous[endpoint]
            out.append(kept.model_copy(update={"status": "gone"}))
        else:
            print(f"{endpoint}: not in the registry and no earlier facts; left out")
    sync = SyncFile(
        format=1,
        synced_at=f"{snapshot}T00:00:00Z",
        source=registry.get("source", ""),
        records=tuple(out),
    )
    previous_path.write_text(sync.model_dump_json(exclude_defaults=True, indent=1) + "\n", "utf-8")
    print(f"{len(records)} stand-in records, {len(out)} snapshot records ({snapshot})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
