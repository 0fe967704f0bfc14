"""What the panel says after a catalogue sync changed something: one line, and the
details behind "What changed"."""

from __future__ import annotations

from dataclasses import dataclass

from qcut_ai.core.catalog_index import Catalog
from qcut_ai.core.catalog_records import CatalogChange

_NAMED = 3  # models named in the headline before "…"


@dataclass(frozen=True)
class CatalogNews:
    headline: str
    details: tuple[str, ...]


def _name(catalog: Catalog, endpoint: str) -> str:
    return catalog.get(endpoint).name if endpoint in catalog else endpoint


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def catalog_news(change: CatalogChange | None, catalog: Catalog) -> CatalogNews | None:
    """None when the last sync added, retired and brought back nothing."""
    if change is None or not (change.added or change.retired or change.returned):
        return None
    parts = []
    if change.added:
        names = [_name(catalog, e) for e in change.added]
        shown = ", ".join(names[:_NAMED]) + (", …" if len(names) > _NAMED else "")
        parts.append(f"{_count(len(names), 'new model')} ({shown})")
    if change.retired:
        parts.append(f"{len(change.retired)} retired")
    if change.returned:
        parts.append(f"{len(change.returned)} back")
    headline = "fal's catalogue changed: " + ", ".join(parts) + "."
    details: list[str] = []
    for endpoint in change.added:
        spec = catalog.get(endpoint) if endpoint in catalog else None
        where = f" ({spec.category.value}, {spec.vendor})" if spec is not None else ""
        details.append(f"New: {_name(catalog, endpoint)}{where}")
    for endpoint in change.retired:
        if endpoint in catalog:
            spec = catalog.get(endpoint)
            instead = ", ".join(s.name for s in catalog.successors_of(spec))
            details.append(
                f"Retired by fal: {spec.name}" + (f"; use {instead} instead" if instead else "")
            )
        else:
            details.append(f"Retired by fal: {endpoint}")
    for endpoint in change.returned:
        details.append(f"Back at fal: {_name(catalog, endpoint)}")
    for endpoint, lines in change.changed.items():
        details += [f"Changed: {_name(catalog, endpoint)}: {line}" for line in lines]
    return CatalogNews(headline, tuple(details))
