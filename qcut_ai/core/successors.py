"""Running a past request again when fal has retired some of its models since: each
retired model gives way to its successor, and the user is told which."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcut_ai.core.catalog_index import Catalog


@dataclass(frozen=True)
class RerunModels:
    """The models a Run again uses, and one sentence per model that was replaced or dropped."""

    model_ids: tuple[str, ...]
    notes: tuple[str, ...]


def rerun_models(model_ids: Sequence[str], catalog: Catalog) -> RerunModels:
    """In the request's order; a successor the request already runs is not doubled."""
    running = {m for m in model_ids if m in catalog and catalog.get(m).active}
    kept: list[str] = []
    notes: list[str] = []
    for model_id in model_ids:
        if model_id not in catalog:
            notes.append(f"{model_id} is no longer in the catalogue, so it was left out.")
            continue
        spec = catalog.get(model_id)
        if spec.active:
            if spec.id not in kept:
                kept.append(spec.id)
            continue
        successor = next(
            (s for s in catalog.successors_of(spec) if s.id not in kept and s.id not in running),
            None,
        )
        if successor is None:
            notes.append(f"{spec.name} was {spec.retired_text} and has no successor; left out.")
            continue
        kept.append(successor.id)
        notes.append(f"{spec.name} was {spec.retired_text}; {successor.name} runs instead.")
    return RerunModels(tuple(kept), tuple(notes))
