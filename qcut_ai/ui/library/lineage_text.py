"""What the details pane says about a clip's lineage, both ways.

A result names its source ("extended from “lighthouse.mp4”"), and a source
names what was made from it ("extended as “AI (Veo 3.1): …”"). Names come from
the items the library already holds in memory, so no query runs on the GUI
thread; an item not loaded is named by its number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qcut_ai.core.derive import relation_phrases

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem


def _relation(item: MediaItem) -> str | None:
    prov = item.provenance
    return prov.relation if prov is not None else None


def _name(item: MediaItem | None, media_id: int) -> str:
    return f"“{item.display_name}” (#{media_id})" if item is not None else f"item #{media_id}"


def lineage_rows(item: MediaItem, loaded: Sequence[MediaItem] = ()) -> list[tuple[str, str]]:
    """("Lineage", sentence) rows: where the item came from, then what was made from it."""
    by_id = {i.id: i for i in loaded}
    rows: list[tuple[str, str]] = []
    prov = item.provenance
    parent_id = item.parent_id if item.parent_id is not None else (prov and prov.parent_id)
    if parent_id:
        made_from, _made_as = relation_phrases(_relation(item))
        rows.append(("Lineage", f"{made_from} {_name(by_id.get(parent_id), parent_id)}"))
    for child in loaded:
        if child.parent_id == item.id and child.id != item.id:
            _made_from, made_as = relation_phrases(_relation(child))
            rows.append(("Lineage", f"{made_as} {_name(child, child.id)}"))
    return rows
