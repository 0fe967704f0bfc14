"""What each library "derive" action asks of the generation tabs (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qcut_ai.core.catalog_kinds import Category
from qcut_ai.core.errors import QcutError

if TYPE_CHECKING:
    from qcut_ai.core.media import MediaItem
    from qcut_ai.core.requests import GenerationRequest

# Library actions that hand a clip to another category's tab as its source
# video. The relation is what the result records about its source (lineage).
CLIP_ACTIONS: dict[str, tuple[Category, str]] = {
    "extend": (Category.EXTEND, "extended_from"),
    "edit": (Category.VIDEO_EDIT, "edited_from"),
    "lipsync": (Category.LIPSYNC, "lipsynced_from"),
    "upscale": (Category.UPSCALE, "upscale_of"),
}

# What a result is to its source, and what the source is to the result, as
# the details pane says it ("extended from #3" / "extended as #7").
RELATION_PHRASES: dict[str, tuple[str, str]] = {
    "extended_from": ("extended from", "extended as"),
    "edited_from": ("edited from", "edited as"),
    "lipsynced_from": ("lip-synced from", "lip-synced as"),
    "upscale_of": ("upscaled from", "upscaled as"),
    "continued_from": ("continued from the last frame of", "continued as"),
    "animated_from": ("animated from", "animated as"),
    "alternate_of": ("alternate of", "picked over"),  # a comparison's losing takes
}

RELATION_OF_CATEGORY: dict[Category, str] = {c: r for c, r in CLIP_ACTIONS.values()}


class DeriveError(QcutError):
    """A derive action cannot be prepared from this item."""


@dataclass(frozen=True)
class DerivePlan:
    """Open `category`'s tab with these models and inputs; `run_now` skips the form."""

    category: Category
    model_ids: list[str] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)
    request: GenerationRequest | None = None
    run_now: bool = False


def _original(item: MediaItem) -> tuple[list[str], GenerationRequest]:
    # The catalogue and the request model load on first use: this module is imported
    # with the panel, before its first paint.
    from qcut_ai.core.catalog import load_catalog
    from qcut_ai.core.requests import GenerationRequest

    prov = item.provenance
    if prov is None or not prov.model_id:
        raise DeriveError(f"'{item.display_name}' has no generation record to regenerate from.")
    arguments = dict(prov.arguments)
    update: dict[str, str] = {}
    # Inputs are reused as sent (fal's copies), plus the neutral framing fields;
    # the seed is left out so a regeneration is a new take.
    for wire_name, role in load_catalog().get(prov.model_id).media_fields().items():
        value = arguments.get(wire_name)
        if isinstance(value, str) and value:
            update[role.value] = value
    for name in ("aspect_ratio", "resolution"):
        value = arguments.get(name)
        if isinstance(value, str):
            update[name] = value
    request = GenerationRequest(
        prompt=prov.prompt or None, negative_prompt=prov.negative_prompt or None
    ).model_copy(update=update)
    return [prov.model_id], request


def relation_phrases(relation: str | None) -> tuple[str, str]:
    """How a result names its source, and how the source names the result."""
    known = RELATION_PHRASES.get(relation or "")
    if known:
        return known
    words = (relation or "derived_from").replace("_", " ")
    return words, words.replace(" from", " as").replace(" of", " as")


def plan_derive(action: str, item: MediaItem, last_frame: str | None = None) -> DerivePlan:
    """Turn a library action into what the panel should show or run. `last_frame` is
    the file a worker made from the clip first: the frame to continue from (the last,
    or the one at the playhead), or for a clip action the marked range cut out."""
    path = item.path
    if action == "animate":
        return DerivePlan(Category.IMAGE_TO_VIDEO, inputs={"image": path})
    if action == "first_frame":
        return DerivePlan(Category.FRAME_TO_VIDEO, inputs={"image": path})
    if action == "last_frame":
        return DerivePlan(Category.FRAME_TO_VIDEO, inputs={"end_image": path})
    if action in CLIP_ACTIONS:
        return DerivePlan(CLIP_ACTIONS[action][0], inputs={"video": last_frame or path})
    if action == "continue":
        # Image-only models continue a clip from its exact last frame, which a
        # worker extracted before this plan was made.
        if not last_frame:
            raise DeriveError(f"The last frame of '{item.display_name}' could not be read.")
        from qcut_ai.core.requests import GenerationRequest

        prompt = item.provenance.prompt if item.provenance else None
        request = GenerationRequest(prompt=prompt or None)
        return DerivePlan(Category.IMAGE_TO_VIDEO, request=request, inputs={"image": last_frame})
    if action in ("regenerate", "regenerate_with"):
        from qcut_ai.core.catalog import load_catalog

        model_ids, request = _original(item)
        category = load_catalog().get(model_ids[0]).category
        return DerivePlan(
            category,
            model_ids if action == "regenerate" else [],
            request=request,
            run_now=action == "regenerate",
        )
    raise DeriveError(f"Unknown library action '{action}'.")
