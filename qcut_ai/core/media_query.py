"""What part of the library to show: one value for the repository, the views and the CLI.

Search words (all must match, the last as a prefix), filters (None = any)
and the order. The repository turns it into SQL; the filter bar builds it;
`qcut-ai library list|search` reads it from the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Literal

SortOrder = Literal["newest", "oldest", "name", "duration"]
# Searching adds "rank": best FTS5 (bm25) match first, newest first among equals.
SearchOrder = Literal["rank", "newest", "oldest", "name", "duration"]
# The list view's columns sort by these too ("bin": the order items were put in their bin).
COLUMN_ORDERS: tuple[str, ...] = (
    *("resolution", "fps", "codec", "model", "cost", "rating", "created", "bin"),
)
SORT_ORDERS: tuple[str, ...] = ("newest", "oldest", "name", "duration", *COLUMN_ORDERS)
SEARCH_ORDERS: tuple[str, ...] = ("rank", *SORT_ORDERS)
FILTERS = ("kind", "origin", "model", "tag", "min_rating", "favourite", "bin")
# Rows per query: the first page (a few screens of the grid) and each page fetched on scroll.
PAGE_SIZE = 100
# Best match ranks this many of the newest matches by relevance; older ones follow
# newest first (library.best_matches says why).
BEST_MATCH_SCORED = 1_000


@dataclass(frozen=True)
class MediaQuery:
    """Search text, filters (None = any), order and how many rows to fetch."""

    text: str = ""
    kind: str | None = None  # "video" | "image" | "audio"
    origin: str | None = None  # "ai" | "imported"
    model: str | None = None  # endpoint, catalogue id or display name
    tag: str | None = None  # case-insensitive
    min_rating: int | None = None
    favourite: bool | None = None
    bin: int | None = None  # a bin's id, or core.bins.TOP_LEVEL for the items in no bin
    sort: str = "newest"  # SortOrder, or "rank" (best match) when searching
    descending: bool = False  # a column order reversed (newest/oldest/rank have their own)
    limit: int = PAGE_SIZE

    def filters(self) -> dict[str, Any]:
        """The filters that are set, by name."""
        return {k: getattr(self, k) for k in FILTERS if getattr(self, k) is not None}

    def is_default(self) -> bool:
        """True when every item belongs in the result, newest first."""
        return (
            not self.text.strip()
            and not self.filters()
            and self.sort == "newest"
            and not self.descending
        )

    @property
    def searching(self) -> bool:
        return bool(self.text.strip())

    def order(self) -> str:
        """The order to use: "rank" means nothing without search words (newest then)."""
        return "newest" if self.sort == "rank" and not self.searching else self.sort

    def with_(self, **changes: Any) -> MediaQuery:
        return replace(self, **changes)

    @classmethod
    def of(cls, **values: Any) -> MediaQuery:
        """A query from keyword values, ignoring those it does not have (e.g. CLI args)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names and v is not None})
