"""`qcut-ai library bins|bin-create|bin-rename|bin-delete|move`: the library's bins headlessly."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcut_ai.library.ingest import Library

Action = Callable[[str, str], argparse.ArgumentParser]


def register(action: Action) -> None:
    """Add the bin actions through `library`'s own `action(name, help)` helper."""
    action("bins", "the bins, with how many items each holds")
    p = action("bin-create", "make a new bin")
    p.add_argument("name")
    p = action("bin-rename", "rename a bin")
    p.add_argument("name")
    p.add_argument("new_name")
    p = action("bin-delete", "delete a bin (its items go back to the top level, none is deleted)")
    p.add_argument("name")
    p = action("move", "put items in a bin, after what it holds (or back to the top level)")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--bin", dest="to_bin", metavar="NAME")
    where.add_argument("--top", action="store_true", help="back to the top level")


def bin_filter(library: Library, name: str | None) -> int | None:
    """The id `library list --bin NAME` filters on (None: every item)."""
    from qcut_ai.library.bins import find_bin

    return None if name is None else find_bin(library.repo, name).id


def _bins(library: Library, args: argparse.Namespace) -> int:
    from qcut_ai.library.bins import list_bins

    bins = list_bins(library.repo)
    if args.json:
        print(json.dumps([{"id": b.id, "name": b.name, "items": b.count} for b in bins], indent=2))
    elif not bins:
        print("No bins yet: make one with qcut-ai library bin-create NAME.")
    for b in bins if not args.json else []:
        print(f"{b.id:>5}  {b.name}  ({b.count} item{'s' if b.count != 1 else ''})")
    return 0


def _create(library: Library, args: argparse.Namespace) -> int:
    from qcut_ai.library.bins import create_bin

    made = create_bin(library.repo, args.name)
    print(json.dumps({"id": made.id, "name": made.name}) if args.json else f"Made bin {made.name}.")
    return 0


def _rename(library: Library, args: argparse.Namespace) -> int:
    from qcut_ai.library.bins import find_bin, rename_bin

    renamed = rename_bin(library.repo, find_bin(library.repo, args.name).id, args.new_name)
    print(
        json.dumps({"id": renamed.id, "name": renamed.name})
        if args.json
        else f"Renamed to {renamed.name}."
    )
    return 0


def _delete(library: Library, args: argparse.Namespace) -> int:
    from qcut_ai.library.bins import delete_bin, find_bin

    ids = delete_bin(library.repo, find_bin(library.repo, args.name).id)
    if args.json:
        print(json.dumps({"deleted": args.name, "items_to_top_level": ids}))
    else:
        print(f"Deleted bin {args.name}; its {len(ids)} item(s) are back at the top level.")
    return 0


def _move(library: Library, args: argparse.Namespace) -> int:
    from qcut_ai.core.errors import LibraryError
    from qcut_ai.library.bins import find_bin, move_to_bin

    target = None if args.top else find_bin(library.repo, args.to_bin)
    known = {i.id for i in library.repo.get_many(args.ids)}
    unknown = [str(i) for i in args.ids if i not in known]
    if unknown:
        raise LibraryError(f"There is no media item {', '.join(unknown)} in this library.")
    moved = move_to_bin(library.repo, args.ids, target.id if target else None)
    where = f"bin {target.name}" if target else "the top level"
    if args.json:
        print(json.dumps({"moved": [i.id for i in moved], "bin": target.name if target else None}))
    else:
        print(f"Moved {len(moved)} item(s) to {where}.")
    return 0


ACTIONS = {
    "bins": _bins,
    "bin-create": _create,
    "bin-rename": _rename,
    "bin-delete": _delete,
    "move": _move,
}
