"""Each model as `qcut-ai models --json` lists it: facts, status, price and price check.

One row per model, computed from the catalogue; the same rows are cached next
to the user's synced catalogue (services.catalog_store) so listing 1,500
models does not mean building 1,500 models on every call.
"""

from __future__ import annotations

from typing import Any

from qcut_ai.core.catalog_schema import ModelSpec, Role
from qcut_ai.core.price_check import CHECK_TEXT, default_estimate, price_check
from qcut_ai.core.pricing import Estimate


def estimate_json(item: Estimate, check: str = "unknown") -> dict[str, Any]:
    return {
        "usd": None if item.usd is None else str(item.usd),
        "text": item.text(),
        "unit": item.unit,
        "rate": item.rate_text,
        "grade": item.grade,
        "grade_text": item.grade_text,
        "needs": item.missing or None,
        "price_check": check,
        "check_text": CHECK_TEXT[check] or None,
    }


def model_row(spec: ModelSpec) -> dict[str, Any]:
    """The JSON row of one model. A change here needs LISTING_FORMAT bumped in
    services.catalog_listing_cache, or cached rows would keep the old shape."""
    price = default_estimate(spec)
    check = price_check(spec, price)
    fal = spec.fal_price
    return {
        "id": spec.id,
        "name": spec.name,
        "vendor": spec.vendor,
        "family": spec.family,
        "category": spec.category.value,
        "categories": [c.value for c in spec.categories],
        "endpoint": spec.endpoint,
        "status": spec.status,
        "retired_on": spec.retired_on,
        "successor": spec.successor,
        "successors": list(spec.successors),
        "supported": spec.unsupported is None,
        "unsupported": spec.unsupported,
        "curated": spec.curated,
        "synced_at": spec.synced_at,
        "tier": spec.tier.value,
        "best_for": spec.best_for,
        "audio": spec.audio,
        "recommended": spec.recommended,
        "typical_seconds": spec.typical_seconds,
        "durations": list(spec.durations()),
        "resolutions": list(spec.options(Role.RESOLUTION)),
        "aspect_ratios": list(spec.options(Role.ASPECT_RATIO)),
        "prompt_max_length": spec.prompt_max_length,
        "inputs": {name: role.value for name, role in spec.media_fields().items()},
        "price_check": check,
        "fal_unit_price": None
        if fal is None
        else {"usd": str(fal.unit_price), "unit": fal.unit, "currency": fal.currency},
        "default_price": estimate_json(price, check),
    }


def catalog_rows(models: list[ModelSpec]) -> list[dict[str, Any]]:
    return [model_row(spec) for spec in models]
