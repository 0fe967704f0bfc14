"""What each library "derive" action asks of the generation tabs (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field

from qcut_ai.core.catalog import Category, load_catalog
from qcut_ai.core.errors import QcutError
from qcut_ai.core.media import MediaItem
from qcut_ai.core.requests import GenerationRequest

REMIX_MODEL = "sora-2-remix"


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


def plan_derive(action: str, item: MediaItem, sora_video_id: str | None = None) -> DerivePlan:
    """Turn a library action into what the panel should show or run."""
    path = item.path
    if action == "animate":
        return DerivePlan(Category.IMAGE_TO_VIDEO, inputs={"image": path})
    if action == "first_frame":
        return DerivePlan(Category.FRAME_TO_VIDEO, inputs={"image": path})
    if action == "last_frame":
        return DerivePlan(Category.FRAME_TO_VIDEO, inputs={"end_image": path})
    if action == "upscale":
        return DerivePlan(Category.UPSCALE, inputs={"video": path})
    if action == "remix":
        if not sora_video_id:
            raise DeriveError(
                "This Sora clip has no video id on record, so it cannot be remixed.",
                hint="fal deletes Sora videos after delivery unless told to keep them.",
            )
        spec = load_catalog().get(REMIX_MODEL)
        prompt = item.provenance.prompt if item.provenance else None
        request = GenerationRequest(prompt=prompt or None, extras={"video_id": sora_video_id})
        return DerivePlan(spec.category, [spec.id], request=request)
    if action in ("regenerate", "regenerate_with"):
        model_ids, request = _original(item)
        category = load_catalog().get(model_ids[0]).category
        return DerivePlan(
            category,
            model_ids if action == "regenerate" else [],
            request=request,
            run_now=action == "regenerate",
        )
    raise DeriveError(f"Unknown library action '{action}'.")
