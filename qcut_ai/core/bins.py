"""Bins (the library's folders) and colour labels: plain values and their naming rule."""

from __future__ import annotations

from dataclasses import dataclass

# A small fixed palette, as editors know it from Resolve's clip colours:
# label name -> the colour painted on tiles and list rows.
COLOUR_LABELS: dict[str, str] = {
    "Orange": "#e8772e",
    "Apricot": "#f2a65a",
    "Yellow": "#e6c619",
    "Lime": "#9bcf3c",
    "Teal": "#2aa198",
    "Blue": "#3d7bd9",
    "Purple": "#8e5bd6",
    "Pink": "#e0609f",
}
# In a MediaQuery, the "bin" that holds the items in no bin (the top level).
TOP_LEVEL = 0
BIN_NAME_MAX = 80


@dataclass(frozen=True)
class Bin:
    """One bin: its id, name, parent bin (None at the top) and how many items it holds."""

    id: int
    name: str
    parent_id: int | None = None
    colour: str | None = None
    count: int = 0


def clean_bin_name(name: str) -> str:
    """The name with its spaces tidied; ValueError with one sentence when it cannot be one."""
    clean = " ".join(name.split())
    if not clean:
        raise ValueError("A bin name cannot be empty: type at least one character.")
    if len(clean) > BIN_NAME_MAX:
        raise ValueError(f"A bin name can have at most {BIN_NAME_MAX} characters.")
    if "/" in clean:
        raise ValueError("A bin name cannot contain “/”: it separates bins in paths.")
    return clean


def check_colour(colour: str | None) -> str | None:
    """A colour label's name (None clears it); ValueError for a name outside the palette."""
    if colour is None or colour == "":
        return None
    for name in COLOUR_LABELS:
        if name.casefold() == colour.strip().casefold():
            return name
    raise ValueError(f"“{colour}” is not a colour label; use one of {', '.join(COLOUR_LABELS)}.")
