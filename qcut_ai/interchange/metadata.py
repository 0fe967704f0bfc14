"""What each exported clip says about where it came from (the `qcut_ai` OTIO metadata).

The keys are a small documented contract, read back by `importer.py` and by
anyone's pipeline script (`clip.metadata["qcut_ai"]["prompt"]`):

    version            1
    media_id           the item's id in the project's library
    sha256             the file's content hash, used to find it again after a move
    origin             "ai" or "imported"
    rate               the exact rate the clip is counted in, e.g. "30000/1001"
    probe              width, height, fps (as probed), has_audio
    model, model_name, endpoint, prompt, negative_prompt, seed, request_id,
    cost_estimate_usd, arguments, generated_at, app_version
    lineage            parent_id, relation ("upscale_of"…), inputs [{role, path, sha256}]

Generated items carry all of it; an imported file only the first five.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import opentimelineio as otio

from qcut_ai.core.frame_rate import DEFAULT_RATE, frame_rate
from qcut_ai.core.media import MediaItem

NAMESPACE = "qcut_ai"
VERSION = 1


def rate_text(rate: Fraction) -> str:
    return f"{rate.numerator}/{rate.denominator}"


def parse_rate(text: object) -> Fraction | None:
    """A rate written by `rate_text`; None for anything else."""
    if not isinstance(text, str):
        return None
    try:
        rate = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
    return rate if rate > 0 else None


def timeline_rate_of(obj: otio.schema.Timeline) -> Fraction:
    """The exact rate an OTIO timeline is counted in (ours say so in their metadata)."""
    exact = parse_rate(obj.metadata.get(NAMESPACE, {}).get("rate"))
    if exact is not None:
        return exact
    if obj.global_start_time is not None:
        found = frame_rate(obj.global_start_time.rate)
        if found is not None:
            return found
    return frame_rate(obj.duration().rate) or DEFAULT_RATE


def clip_metadata(item: MediaItem | None, rate: Fraction) -> dict[str, Any]:
    """The `qcut_ai` metadata of one clip of `item` (None: a file the library does not know)."""
    data: dict[str, Any] = {"version": VERSION, "rate": rate_text(rate)}
    if item is None:
        return data
    probe = item.probe
    data.update(
        media_id=item.id,
        sha256=probe.sha256,
        origin=item.origin.value,
        probe={
            "width": probe.width,
            "height": probe.height,
            "fps": probe.fps,
            "has_audio": probe.has_audio,
        },
    )
    prov = item.provenance
    if prov is None:
        return data
    data.update(
        model=prov.model_id,
        model_name=prov.model_name,
        endpoint=prov.endpoint,
        prompt=prov.prompt,
        negative_prompt=prov.negative_prompt,
        seed=prov.seed,
        request_id=prov.request_id,
        cost_estimate_usd=prov.cost_estimate_usd,
        arguments=dict(prov.arguments),
        generated_at=prov.completed_at,
        app_version=prov.app_version,
        lineage={
            "parent_id": prov.parent_id if prov.parent_id is not None else item.parent_id,
            "relation": prov.relation,
            "inputs": [dict(i) for i in prov.inputs],
        },
    )
    return data


def marker_text(item: MediaItem | None) -> str | None:
    """`Model: prompt` for a generated item's marker (None for anything else), on one line."""
    prov = item.provenance if item is not None else None
    if prov is None:
        return None
    model = " ".join((prov.model_name or prov.model_id).split())
    prompt = " ".join(prov.prompt.split())
    return f"{model}: {prompt}" if prompt else model


def note_text(item: MediaItem | None) -> str | None:
    """A longer note for formats with clip notes: model, seed, request and the prompt."""
    prov = item.provenance if item is not None else None
    if prov is None:
        return None
    parts = [prov.model_name or prov.model_id]
    if prov.seed is not None:
        parts.append(f"seed {prov.seed}")
    parts.append(f"request {prov.request_id}")
    head = ", ".join(parts)
    return f"{head}: {prov.prompt}" if prov.prompt else head
