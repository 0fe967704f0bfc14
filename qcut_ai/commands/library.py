"""`qcut-ai library list|search|import|info|relink|remove`: the media library headlessly."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qcut_ai.core.media import MediaItem
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
    p.add_argument("--kind", choices=["video", "audio", "image"])
    p.add_argument("--sort", choices=["newest", "oldest", "name", "duration"], default="newest")
    p = action("search", "full-text search over names, prompts, models and tags")
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=50)
    p = action("import", "add existing media files to the library")
    p.add_argument("paths", nargs="+", type=Path)
    p = action("info", "everything about one item, including its provenance")
    p.add_argument("id", type=int)
    p = action("relink", "find missing files again under a folder")
    p.add_argument("--folder", type=Path, required=True)
    p = action("remove", "remove an item from the library")
    p.add_argument("id", type=int)
    p.add_argument("--delete-file", action="store_true", help="also move the file to the trash")


def run(args: argparse.Namespace) -> int:
    from qcut_ai.library.ingest import Library
    from qcut_ai.services.paths import ProjectPaths, app_dirs

    dirs = app_dirs()
    project = ProjectPaths.at(args.project) if args.project else ProjectPaths(dirs.default_project)
    with Library(project, dirs.thumbnails) as library:
        handler = _ACTIONS[args.library_action]
        return handler(library, args)


def _list(library: Library, args: argparse.Namespace) -> int:
    items = library.repo.list_recent(args.limit, args.offset, kind=args.kind, sort=args.sort)
    _print_items(items, args.json, total=library.repo.count())
    return 0


def _search(library: Library, args: argparse.Namespace) -> int:
    _print_items(library.repo.search(args.text, limit=args.limit), args.json)
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
    from qcut_ai.core.errors import LibraryError

    item = library.repo.get(args.id)
    if item is None:
        raise LibraryError(f"There is no media item {args.id} in this library.")
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
            ("! " if i.missing else "") + _clip(i.name, 60),
        )
        for i in items
    ]
    header = ("ID", "KIND", "LENGTH", "SIZE", "MODEL", "CREATED (UTC)", "NAME")
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if total is not None and total > len(items):
        print(f"({len(items)} of {total} shown; use --limit/--offset for more)")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
