"""`qcut-ai models` and `qcut-ai estimate`: browse the catalogue and price a request.

Both read only the packaged catalogue: no network, no Qt, no media libraries.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qcut_ai.core.catalog import ModelSpec
    from qcut_ai.core.pricing import Estimate

CATEGORIES = ("text-to-video", "image-to-video", "frame-to-video", "avatar", "upscale")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    models = sub.add_parser("models", help="list the video models and their default prices")
    models.add_argument(
        "--category", choices=CATEGORIES, help="only models offered in this category"
    )
    models.add_argument("--json", action="store_true", help="print machine-readable JSON")
    models.set_defaults(handler=run_models)

    est = sub.add_parser("estimate", help="price one request before generating it")
    est.add_argument("--model", required=True, metavar="ID", help="short id or fal endpoint id")
    est.add_argument("--duration", type=int, metavar="SECONDS")
    est.add_argument("--resolution", metavar="R", help="e.g. 720p, 1080p, 4k")
    est.add_argument("--aspect-ratio", metavar="A", help="e.g. 16:9, 9:16, 1:1")
    est.add_argument(
        "--audio",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="generate sound (models with an audio switch)",
    )
    est.add_argument(
        "--media-seconds",
        type=float,
        metavar="SECONDS",
        help="length of the input audio or video (avatars and upscalers bill by it)",
    )
    est.add_argument(
        "--source-video",
        nargs=4,
        type=float,
        metavar=("WIDTH", "HEIGHT", "FPS", "SECONDS"),
        help="the video to upscale (upscalers bill by its size and length)",
    )
    est.add_argument("--json", action="store_true", help="print machine-readable JSON")
    est.set_defaults(handler=run_estimate)


def _estimate_json(item: Estimate) -> dict[str, Any]:
    return {
        "usd": None if item.usd is None else str(item.usd),
        "text": item.text(),
        "unit": item.unit,
        "rate": item.rate_text,
        "grade": item.grade,
        "grade_text": item.grade_text,
        "needs": item.missing or None,
    }


def _default_estimate(spec: ModelSpec) -> Estimate:
    from qcut_ai.core.pricing import estimate
    from qcut_ai.core.requests import build_arguments

    arguments = build_arguments(spec, spec.default_request(), require_inputs=False)
    return estimate(spec, arguments)


def _model_json(spec: ModelSpec) -> dict[str, Any]:
    from qcut_ai.core.catalog import Role

    return {
        "id": spec.id,
        "name": spec.name,
        "vendor": spec.vendor,
        "category": spec.category.value,
        "categories": [c.value for c in spec.categories],
        "endpoint": spec.endpoint,
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
        "default_price": _estimate_json(_default_estimate(spec)),
    }


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def _minutes(seconds: int) -> str:
    return f"~{seconds} s" if seconds < 90 else f"~{round(seconds / 60)} min"


def run_models(args: argparse.Namespace) -> int:
    from qcut_ai.core.catalog import load_catalog

    catalog = load_catalog()
    specs = catalog.in_category(args.category) if args.category else list(catalog.models)
    if args.json:
        sys.stdout.write(json.dumps([_model_json(s) for s in specs], ensure_ascii=False) + "\n")
        return 0
    for category in (args.category,) if args.category else CATEGORIES:
        group = specs if args.category else [s for s in specs if s.category == category]
        if not group:
            continue
        rows = [["", "ID", "NAME", "TIER", "AUDIO", "DEFAULT PRICE", "TIME", "BEST FOR"]]
        for spec in group:
            price = _default_estimate(spec)
            rows.append(
                [
                    "*" if spec.recommended else "",
                    spec.id,
                    spec.name,
                    spec.tier.value,
                    "yes" if spec.audio else "-",
                    price.text(),
                    _minutes(spec.typical_seconds),
                    spec.best_for,
                ]
            )
        print(f"{category} ({len(group)})")
        print(_table(rows))
        print()
    print("* recommended. Prices are for each model's default settings; see `qcut-ai estimate`.")
    return 0


def run_estimate(args: argparse.Namespace) -> int:
    from qcut_ai.core.catalog import load_catalog
    from qcut_ai.core.pricing import estimate
    from qcut_ai.core.requests import build_arguments

    spec = load_catalog().get(args.model)
    overrides = {
        "duration": args.duration,
        "resolution": args.resolution,
        "aspect_ratio": args.aspect_ratio,
        "generate_audio": args.audio,
    }
    request = spec.default_request().model_copy(
        update={k: v for k, v in overrides.items() if v is not None}
    )
    arguments = build_arguments(spec, request, require_inputs=False)
    source = None
    if args.source_video:
        width, height, fps, seconds = args.source_video
        source = (int(width), int(height), fps, seconds)
    result = estimate(spec, arguments, media_seconds=args.media_seconds, source_video=source)
    if args.json:
        payload = {"model": spec.id, "endpoint": spec.endpoint, "arguments": arguments}
        payload.update(_estimate_json(result))
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return 0
    settings = ", ".join(f"{k}={v}" for k, v in arguments.items()) or "no options"
    print(f"{spec.name} ({spec.id}): {result.text()}")
    print(f"  settings: {settings}")
    print(f"  rate: {result.rate_text} ({result.grade_text})")
    if result.missing:
        flag = "--source-video" if "size" in result.missing else "--media-seconds"
        print(f"  needs {result.missing}: pass {flag}")
    return 0
