"""`qcut-ai models`, `qcut-ai models sync` and `qcut-ai estimate`.

`models` and `estimate` read the catalogue as it stands (the user's synced
copy over the shipped snapshot): no network, no Qt, no media libraries.
`models sync` asks fal's Platform API for what changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qcut_ai.core.catalog import Catalog
    from qcut_ai.services.catalog_sync import SyncReport

# The Category values, written out so `--help` needs no catalogue import.
CATEGORIES = (
    "text-to-video",
    "image-to-video",
    "frame-to-video",
    "reference-to-video",
    "extend",
    "video-edit",
    "avatar",
    "lipsync",
    "motion-transfer",
    "upscale",
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    models = sub.add_parser("models", help="list the video models and their default prices")
    models.add_argument(
        "--category", choices=CATEGORIES, help="only models offered in this category"
    )
    models.add_argument("--json", action="store_true", help="print machine-readable JSON")
    models.set_defaults(handler=run_models)
    actions = models.add_subparsers(dest="models_action", metavar="ACTION")
    sync = actions.add_parser("sync", help="update the catalogue from fal's model list")
    sync.add_argument(
        "--endpoint",
        action="append",
        default=[],
        metavar="ID",
        help="only these fal endpoint ids (repeat for several)",
    )
    sync.add_argument(
        "--force",
        action="store_true",
        help="apply even when more than 10 %% of the models would be retired at once",
    )
    sync.add_argument("--json", action="store_true", help="print machine-readable JSON")
    sync.set_defaults(handler=run_sync)

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
        help="length of the input audio or video (avatars, lipsync and edits bill by it)",
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


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def _minutes(seconds: int) -> str:
    return f"~{seconds} s" if seconds < 90 else f"~{round(seconds / 60)} min"


def _rows(catalog: Catalog) -> list[dict[str, Any]]:
    """Every model's JSON row (cached next to a synced catalogue for the next listing)."""
    from qcut_ai.core.catalog_files import user_catalog_path
    from qcut_ai.core.catalog_listing import catalog_rows
    from qcut_ai.services.catalog_listing_cache import write_listing

    rows = catalog_rows(list(catalog.models))
    write_listing(user_catalog_path(), rows)
    return rows


def _print_rows(args: argparse.Namespace) -> int:
    from qcut_ai.core.catalog_files import user_catalog_path
    from qcut_ai.services.catalog_listing_cache import read_listing

    # The cached rows of a synced catalogue need no model built at all.
    rows = read_listing(user_catalog_path())
    if rows is None:
        from qcut_ai.core.catalog import load_catalog

        rows = _rows(load_catalog())
    if args.category:
        rows = [r for r in rows if args.category in r["categories"] and r["status"] == "active"]
    sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
    return 0


def run_models(args: argparse.Namespace) -> int:
    if args.json:
        return _print_rows(args)
    from qcut_ai.core.catalog import load_catalog

    catalog = load_catalog()
    from qcut_ai.core.price_check import CHANGED_TEXT, default_estimate, price_check

    for category in (args.category,) if args.category else CATEGORIES:
        group = catalog.in_category(category)
        if not args.category:
            group = [s for s in group if s.category.value == category]
        if not group:
            continue
        table = [["", "ID", "NAME", "TIER", "AUDIO", "DEFAULT PRICE", "TIME", "BEST FOR"]]
        for spec in group:
            price = default_estimate(spec)
            text = price.text()
            if price_check(spec, price) == "changed":
                text += f" ({CHANGED_TEXT})"
            table.append(
                [
                    "*" if spec.recommended else "",
                    spec.id,
                    spec.name,
                    spec.tier.value,
                    "yes" if spec.audio else "-",
                    text,
                    _minutes(spec.typical_seconds),
                    spec.best_for,
                ]
            )
        print(f"{category} ({len(group)})")
        print(_table(table))
        print()
    retired = [s for s in catalog.retired() if not args.category or args.category in s.categories]
    if retired:
        table = [["ID", "NAME", "RETIRED", "USE INSTEAD"]]
        for spec in retired:
            instead = ", ".join(s.id for s in catalog.successors_of(spec)) or "-"
            table.append([spec.id, spec.name, spec.retired_on or "-", instead])
        print(f"retired by fal ({len(retired)}; kept for History, not offered)")
        print(_table(table))
        print()
    when = f"fal's list as of {catalog.synced_at[:10]}" if catalog.synced_at else "fal's list"
    print(
        f"* recommended. Prices are for each model's default settings; see `qcut-ai estimate`. "
        f"Catalogue: {when}; `qcut-ai models sync` updates it."
    )
    return 0


def _print_report(report: SyncReport) -> None:
    from qcut_ai.core.catalog import load_catalog
    from qcut_ai.core.errors import QcutError

    catalog = load_catalog()

    def label(endpoint: str) -> str:
        try:
            spec = catalog.get(endpoint)
        except QcutError:  # a model the blocked sync did not add: show the id alone
            return endpoint
        shown = spec.id if spec.id == endpoint else f"{spec.id} ({endpoint})"
        return f"{shown}: {spec.name}, {spec.category.value}"

    applied = "" if report.applied else " (not applied)"
    print(
        f"Synced with fal at {report.synced_at}{applied}: {report.listed} models listed, "
        f"{report.schemas_read} schemas read, {report.priced} prices."
    )
    if report.blocked:
        print(report.blocked)
    sections = (("Added", report.added), ("Retired", report.retired), ("Back", report.returned))
    for title, endpoints in sections:
        if endpoints:
            print(f"{title} ({len(endpoints)}):")
            for endpoint in endpoints:
                line = label(endpoint)
                if title == "Retired" and report.applied:
                    successors = catalog.successors_of(catalog.get(endpoint))
                    if successors:
                        line += f"; use {', '.join(s.id for s in successors)}"
                print(f"  {line}")
    if report.changed:
        print(f"Changed ({len(report.changed)}):")
        for endpoint, lines in report.changed.items():
            print(f"  {label(endpoint)}")
            for line in lines:
                print(f"    {line}")
    for title, lines in (
        ("Refused", report.refused),
        ("Our data disagrees with fal (fal's facts are used)", report.disagreements),
    ):
        if lines:
            print(f"{title} ({len(lines)}):")
            for line in lines:
                print(f"  {line}")
    for note in report.notes:
        print(note)
    if report.applied and not (report.added or report.retired or report.returned or report.changed):
        print("Nothing changed.")


def run_sync(args: argparse.Namespace) -> int:
    from qcut_ai.services.catalog_sync import sync_catalog
    from qcut_ai.services.fal_platform import FalPlatformClient
    from qcut_ai.services.secrets import resolve_key

    key = resolve_key()
    with FalPlatformClient(key.value if key else None) as client:
        report = sync_catalog(client, endpoints=args.endpoint, force=args.force)
    if args.json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
    else:
        _print_report(report)
    return 0 if report.applied else 1


def run_estimate(args: argparse.Namespace) -> int:
    from qcut_ai.core.catalog import load_catalog
    from qcut_ai.core.catalog_listing import estimate_json
    from qcut_ai.core.price_check import CHANGED_TEXT, price_check
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
    check = price_check(spec)
    if args.json:
        payload = {
            "model": spec.id,
            "endpoint": spec.endpoint,
            "status": spec.status,
            "successor": spec.successor,
            "arguments": arguments,
        }
        payload.update(estimate_json(result, check))
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return 0
    settings = ", ".join(f"{k}={v}" for k, v in arguments.items()) or "no options"
    flag = f" ({CHANGED_TEXT})" if check == "changed" else ""
    print(f"{spec.name} ({spec.id}): {result.text()}{flag}")
    if not spec.active:
        print(f"  {spec.retired_text}: it cannot be generated any more")
    print(f"  settings: {settings}")
    print(f"  rate: {result.rate_text} ({result.grade_text})")
    if check == "changed" and spec.fal_price is not None:
        fal = spec.fal_price
        print(f"  fal's unit price at the last sync: ${fal.unit_price} per {fal.unit}")
    if result.missing:
        flag_name = "--source-video" if "size" in result.missing else "--media-seconds"
        if "duration" in result.missing:
            flag_name = "--duration"
        print(f"  needs {result.missing}: pass {flag_name}")
    return 0
