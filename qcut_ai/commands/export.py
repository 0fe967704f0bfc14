"""`qcut-ai export`: library items or a timeline to an editor's file (OTIO, FCP XML, EDL…)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qcut_ai.commands.common import add_json_arg, add_project_arg, print_json, project_from
from qcut_ai.core.errors import InterchangeError

FORMATS = ("otio", "fcp7", "fcpx", "edl", "kdenlive")
_BY_SUFFIX = {
    ".otio": "otio",
    ".xml": "fcp7",
    ".fcpxml": "fcpx",
    ".edl": "edl",
    ".kdenlive": "kdenlive",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write library items or a timeline for DaVinci Resolve, Premiere, Final Cut, "
        "Kdenlive or any EDL reader",
        description="Write clips to an editor's file: otio (Resolve, Kdenlive 25.04+), "
        "fcp7 (Premiere, Resolve), fcpx (Final Cut Pro), edl (CMX 3600), kdenlive. "
        "Every clip keeps its name, range, rate and file path; .otio also keeps its provenance.",
    )
    add_project_arg(parser)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--ids", metavar="1,2,3", help="library items, in this order, as a timeline of the clips"
    )
    what.add_argument("--bin", metavar="NAME", help="the items of a library bin")
    what.add_argument(
        "--timeline", metavar="FILE.otio", type=Path, help="re-export an .otio timeline as it is"
    )
    parser.add_argument(
        "--format", choices=FORMATS, help="the file to write (default: from --out's suffix)"
    )
    parser.add_argument("--out", metavar="FILE", type=Path, required=True)
    parser.add_argument(
        "--as-bin",
        action="store_true",
        help="the items as clips in a bin instead of a timeline (otio and fcpx only)",
    )
    add_json_arg(parser)
    parser.set_defaults(handler=run)


def _ids(text: str) -> tuple[int, ...]:
    try:
        ids = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        raise InterchangeError(
            f"--ids takes item numbers separated by commas, like 3,1,2, not “{text}”."
        ) from None
    if not ids:
        raise InterchangeError("--ids names no items; give their numbers, like 3,1,2.")
    return ids


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    found = _BY_SUFFIX.get(args.out.suffix.lower())
    if found is None:
        raise InterchangeError(
            f"Say which file to write with --format ({', '.join(FORMATS)}): "
            f"the suffix of {args.out.name} names none."
        )
    return found


def run(args: argparse.Namespace) -> int:
    from qcut_ai.core.app_dirs import app_dirs
    from qcut_ai.interchange import (
        ByIds,
        ExportFormat,
        InBin,
        ItemQuery,
        export_selection,
        export_timeline,
        import_timeline,
    )
    from qcut_ai.library.ingest import Library

    fmt = ExportFormat(_format(args))
    if args.as_bin and args.timeline:
        raise InterchangeError(
            "--as-bin goes with --ids or --bin; a timeline is exported as it is."
        )
    dirs = app_dirs()
    project = project_from(args)
    with Library(project, dirs.thumbnails) as library:
        notes: list[str] = []
        if args.timeline:
            found = import_timeline(library.repo, args.timeline, search=[project.media])
            notes += found.notes
            result = export_timeline(library.repo, found.timeline, fmt, args.out)
        else:
            query: ItemQuery = ByIds(_ids(args.ids)) if args.ids else InBin(args.bin)
            result = export_selection(library.repo, query, fmt, args.out, as_bin=args.as_bin)
    notes += result.notes
    if args.json:
        print_json({**result.to_json(), "notes": notes})
        return 0
    length = f", {result.duration_s:.3f} s" if result.duration_s is not None else ""
    print(f"Wrote {result.path} ({fmt.label}, {result.clips} clip(s){length}).")
    for note in notes:
        print(f"qcut-ai: {note}", file=sys.stderr)
    return 0
