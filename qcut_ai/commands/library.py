"""`qcut-ai library list|search|import|info|relink|remove|rebuild`: the media library headlessly."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcut_ai.commands import library_bins
from qcut_ai.core.media_query import SEARCH_ORDERS, SORT_ORDERS

if TYPE_CHECKING:
    from qcut_ai.core.media import MediaItem
    from qcut_ai.core.media_query import MediaQuery
    from qcut_ai.library.ingest import Library


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "library", help="list, search, import and manage a project's media library"
    )
    actions = parser.add_subparsers(dest="library_action", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=help_text)
        p.add_argument("--project", help="project folder (default: the app's Default project)")
        p.add_argument("--json", action="store_true", help="print machine-readable JSON")
        p.set_defaults(handler=run)
        return p

    p = action("list", "newest items first")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    _add_filters(p)
    p.add_argument("--sort", choices=SORT_ORDERS, default="newest")
    p.add_argument("--desc", dest="descending", action="store_true", help="a column order reversed")
    p.add_argument("--bin", dest="in_bin", metavar="NAME", help="only the items of this bin")
    p = action("search", "full-text search over names, prompts, models and tags")
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    _add_filters(p)
    p.add_argument(
        "--sort",
        choices=SEARCH_ORDERS,
        default="rank",
        help="rank: best match first (default)",
    )
    p = action("import", "add existing media files to the library")
    p.add_argument("paths", nargs="+", type=Path)
    p = action("info", "everything about one item, including its provenance")
    p.add_argument("id", type=int)
    p = action("relink", "find missing files again under a folder")
    p.add_argument("--folder", type=Path, required=True)
    p = action("remove", "remove an item from the library")
    p.add_argument("id", type=int)
    p.add_argument("--delete-file", action="store_true", help="also move the file to the trash")
    p = action("rebuild", "rebuild a lost or damaged library from the media folder's provenance")
    p.add_argument(
        "--force", action="store_true", help="replace a healthy database too (a copy is kept)"
    )
    library_bins.register(action)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=["video", "audio", "image"])
    parser.add_argument("--origin", choices=["ai", "imported"])
    parser.add_argument("--model", help="endpoint, model id or model name")
    parser.add_argument("--tag")
    parser.add_argument("--min-rating", type=int, choices=range(0, 6), metavar="0-5")
    parser.add_argument("--favourite", action="store_true", help="only favourites")


def _query(args: argparse.Namespace, text: str = "") -> MediaQuery:
    """The command line's search words, filters, order and page as one MediaQuery."""
    from qcut_ai.core.media_query import MediaQuery

    values = {**vars(args), "favourite": True if args.favourite else None, "text": text}
    return MediaQuery.of(**values)


def run(args: argparse.Namespace) -> int:
    from qcut_ai.core.app_dirs import app_dirs
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.library.ingest import Library

    dirs = app_dirs()
    project = ProjectPaths.at(args.project) if args.project else ProjectPaths(dirs.default_project)
    if args.library_action == "rebuild":
        return _rebuild(project, dirs.thumbnails, args)
    with Library(project, dirs.thumbnails) as library:
        handler = _ACTIONS[args.library_action]
        return handler(library, args)


def _rebuild(project: Any, thumbnails: Path, args: argparse.Namespace) -> int:
    from qcut_ai.library.rebuild import rebuild_library

    def progress(done: int, total: int) -> None:
        if not args.json and total and sys.stderr.isatty():
            print(f"\rrebuilding: {done}/{total}", end="", file=sys.stderr, flush=True)

    result = rebuild_library(project.ensure(), thumbnails, force=args.force, progress=progress)
    if args.json:
        print(json.dumps(result.to_json()))
        return 0
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        f"Rebuilt the library: {result.restored} item(s), {result.generated} with their "
        "provenance." + (f" The old database was kept as {result.backup}." if result.backup else "")
    )
    for path, reason in result.skipped:
        print(f"qcut-ai: skipped {path}: {reason}", file=sys.stderr)
    return 0


def _list(library: Library, args: argparse.Namespace) -> int:
    library.check_files()  # so moved or deleted files show as missing
    library.finish_pending()  # tags, hash and filmstrip a crash left undone
    query = _query(args).with_(bin=library_bins.bin_filter(library, args.in_bin))
    items = library.repo.find(query, args.offset)
    _print_items(items, args.json, total=library.repo.count())
    return 0


def _search(library: Library, args: argparse.Namespace) -> int:
    library.check_files()
    items = library.repo.find(_query(args, args.text), args.offset)
    _print_items(items, args.json)
    return 0


def _import(library: Library, args: argparse.Namespace) -> int:
    results = library.import_files(args.paths)
    failed = 0
    rows: list[dict[str, Any]] = []
    for path, result in zip(args.paths, results, strict=True):
        if isinstance(result, Exception):
            failed += 1
            rows.append({"path": str(path), "error": str(result)})
            if not args.json:
                print(f"qcut-ai: {path}: {result}", file=sys.stderr)
        else:
            rows.append(result.to_json())
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        _print_items([r for r in results if not isinstance(r, Exception)], False)
    return 2 if failed else 0


def _info(library: Library, args: argparse.Namespace) -> int:
    # Using an item re-checks its file, so a missing one is flagged right away.
    item = library.repo.check_present(args.id)
    data = item.to_json()
    data["provenance"] = item.provenance.model_dump(mode="json") if item.provenance else None
    data["children"] = [c.id for c in library.repo.children(item.id)]
    data["parent_id"] = item.parent_id
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    width = max(len(k) for k in data)
    for key, value in data.items():
        if key == "provenance" and value:
            print(f"{key:<{width}}  " + json.dumps(value, indent=2).replace("\n", "\n  "))
        else:
            print(f"{key:<{width}}  {'' if value is None else value}")
    return 0


def _relink(library: Library, args: argparse.Namespace) -> int:
    result = library.repo.relink(args.folder.expanduser().resolve())
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(
            f"Relinked {result.relinked} item(s); {result.still_missing} still missing "
            f"({result.scanned} file(s) scanned)."
        )
    return 0 if result.still_missing == 0 else 1


def _remove(library: Library, args: argparse.Namespace) -> int:
    library.repo.remove(args.id, delete_file=args.delete_file)
    if args.json:
        print(json.dumps({"removed": args.id, "file_deleted": args.delete_file}))
    else:
        print(
            f"Removed item {args.id}"
            + (" and moved its file to the trash." if args.delete_file else ".")
        )
    return 0


_ACTIONS = {
    "list": _list,
    "search": _search,
    "import": _import,
    "info": _info,
    "relink": _relink,
    "remove": _remove,
    **library_bins.ACTIONS,
}


def _print_items(items: Sequence[MediaItem], as_json: bool, total: int | None = None) -> None:
    if as_json:
        print(json.dumps([i.to_json() for i in items], indent=2))
        return
    if not items:
        print("No media.")
        return
    rows = [
        (
            str(i.id),
            i.kind.value,
            f"{i.probe.duration:.1f}s" if i.probe.duration is not None else "",
            f"{i.probe.width}x{i.probe.height}" if i.probe.width else "",
            i.model_name or i.origin.value,
            i.created_at[:16].replace("T", " "),
            ("! " if i.missing else "") + _clip(i.display_name, 80),
        )
        for i in items
    ]
    header = ("ID", "KIND", "LENGTH", "SIZE", "MODEL", "CREATED (UTC)", "NAME")
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if total is not None and total > len(items):
        print(f"({len(items)} of {total} shown; use --limit/--offset for more)")
    if any(i.missing for i in items):
        print("! = file missing; run `qcut-ai library relink --folder DIR` to find it.")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
