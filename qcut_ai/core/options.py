"""Options shared by a multi-model selection, and how one choice fits each model.

When an editor sends one prompt to several models, a duration such as 8 s may
not exist on all of them. Nothing is changed silently: `CombinedOptions.fit`
returns, for each model, the nearest value it allows plus a note such as
"Kling 2.1 Master: 8 s → 10 s".

Models without a duration (fixed length, or the length of the input) do not
narrow the shared durations; the same holds for resolution and aspect ratio.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qcut_ai.core.catalog_schema import ModelSpec, Role

if TYPE_CHECKING:
    from qcut_ai.core.requests import GenerationRequest

_NAMED_HEIGHTS = {"2k": 1440, "4k": 2160, "true_1080p": 1080}
_ASPECT_ORDER = ("21:9", "16:9", "4:3", "1:1", "3:4", "9:16", "9:21", "auto")


def resolution_height(resolution: str) -> int | None:
    """Pixel height a resolution name stands for ("720p" -> 720, "4k" -> 2160, "auto" -> None)."""
    if resolution in _NAMED_HEIGHTS:
        return _NAMED_HEIGHTS[resolution]
    match = re.fullmatch(r"(\d+)p", resolution)
    return int(match.group(1)) if match else None


def aspect_value(aspect: str) -> float | None:
    """Width over height ("16:9" -> 1.78); None for "auto"."""
    match = re.fullmatch(r"(\d+):(\d+)", aspect)
    return int(match.group(1)) / int(match.group(2)) if match else None


def _resolution_key(resolution: str) -> tuple[int, str]:
    return (resolution_height(resolution) or 0, resolution)


def _aspect_key(aspect: str) -> tuple[int, str]:
    return (_ASPECT_ORDER.index(aspect) if aspect in _ASPECT_ORDER else 99, aspect)


def nearest_duration(wanted: int, offered: Sequence[int]) -> int:
    """Closest offered length; on a tie the longer one, so no shot comes out short."""
    return min(offered, key=lambda s: (abs(s - wanted), -s))


def _distance(resolution: str, height: int) -> tuple[int, int]:
    own = resolution_height(resolution) or 0
    return (abs(own - height), -own)


def nearest_resolution(wanted: str, offered: Sequence[str]) -> str:
    """The same name if offered, else the closest height (higher on a tie), else the first."""
    if wanted in offered:
        return wanted
    height = resolution_height(wanted)
    sized = [r for r in offered if resolution_height(r) is not None]
    if height is None or not sized:
        return "auto" if "auto" in offered else offered[0]
    return min(sized, key=lambda r: _distance(r, height))


def nearest_aspect(wanted: str, offered: Sequence[str]) -> str:
    """The same ratio if offered, else the closest shape, else "auto" or the first."""
    if wanted in offered:
        return wanted
    value = aspect_value(wanted)
    shaped = [a for a in offered if aspect_value(a) is not None]
    if value is None or not shaped:
        return "auto" if "auto" in offered else offered[0]
    return min(shaped, key=lambda a: abs(math.log((aspect_value(a) or 1.0) / value)))


@dataclass(frozen=True)
class FittedChoice:
    """One model's values for a shared choice; None where the model has no such option."""

    model_id: str
    duration: int | None
    resolution: str | None
    aspect_ratio: str | None
    notes: tuple[str, ...]

    def apply(self, request: GenerationRequest) -> GenerationRequest:
        """A copy of `request` with this model's fitted values."""
        return request.model_copy(
            update={
                "duration": self.duration,
                "resolution": self.resolution,
                "aspect_ratio": self.aspect_ratio,
            }
        )


@dataclass(frozen=True)
class CombinedOptions:
    """What a selection of models supports together (intersection) and at all (union)."""

    models: tuple[ModelSpec, ...]
    durations: tuple[int, ...]
    all_durations: tuple[int, ...]
    resolutions: tuple[str, ...]
    all_resolutions: tuple[str, ...]
    aspect_ratios: tuple[str, ...]
    all_aspect_ratios: tuple[str, ...]
    prompt_max_length: int | None
    prompt_limit_model: str | None  # name of the model that sets the limit

    def fit(
        self,
        *,
        duration: int | None = None,
        resolution: str | None = None,
        aspect_ratio: str | None = None,
    ) -> list[FittedChoice]:
        """Each model's nearest allowed values for one shared choice, with notes on changes."""
        return [_fit_one(spec, duration, resolution, aspect_ratio) for spec in self.models]

    def notes(
        self,
        *,
        duration: int | None = None,
        resolution: str | None = None,
        aspect_ratio: str | None = None,
    ) -> list[str]:
        """All notes for a shared choice, for one summary under the Generate button."""
        fits = self.fit(duration=duration, resolution=resolution, aspect_ratio=aspect_ratio)
        return [note for fitted in fits for note in fitted.notes]


def _fit_one(
    spec: ModelSpec, duration: int | None, resolution: str | None, aspect: str | None
) -> FittedChoice:
    notes: list[str] = []
    used_duration = None
    if duration is not None:
        offered = spec.durations()
        if offered:
            used_duration = nearest_duration(duration, offered)
            if used_duration != duration:
                notes.append(f"{spec.name}: {duration} s → {used_duration} s")
        elif spec.fixed_seconds:
            notes.append(f"{spec.name}: fixed length of {spec.fixed_seconds} s")
        elif spec.field_for(Role.DURATION) is None:
            notes.append(f"{spec.name}: no duration choice")
    used_resolution = _fit_text(spec, Role.RESOLUTION, resolution, nearest_resolution, notes)
    used_aspect = _fit_text(spec, Role.ASPECT_RATIO, aspect, nearest_aspect, notes)
    return FittedChoice(spec.id, used_duration, used_resolution, used_aspect, tuple(notes))


def _fit_text(
    spec: ModelSpec,
    role: Role,
    wanted: str | None,
    nearest: Callable[[str, Sequence[str]], str],
    notes: list[str],
) -> str | None:
    if wanted is None:
        return None
    field = spec.field_for(role)
    label = role.value.replace("_", " ")
    if field is None:
        notes.append(f"{spec.name}: no {label} choice")
        return None
    offered = spec.options(role)
    if not offered:  # a free text field takes the value as it is
        return wanted
    used = nearest(wanted, offered)
    if used != wanted:
        notes.append(f"{spec.name}: {label} {wanted} → {used}")
    return used


def _common(
    per_model: list[tuple[str, ...]], key: Callable[[str], tuple[int, str]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not per_model:
        return (), ()
    both = set(per_model[0]).intersection(*per_model[1:])
    either: set[str] = set().union(*per_model)
    return tuple(sorted(both, key=key)), tuple(sorted(either, key=key))


def combined_options(specs: Sequence[ModelSpec]) -> CombinedOptions:
    """Shared and total options of a selection, plus its strictest prompt limit."""
    durations = [set(s.durations()) for s in specs if s.durations()]
    shared = sorted(set.intersection(*durations)) if durations else []
    every = sorted(set[int]().union(*durations)) if durations else []
    resolutions = [s.options(Role.RESOLUTION) for s in specs if s.options(Role.RESOLUTION)]
    aspects = [s.options(Role.ASPECT_RATIO) for s in specs if s.options(Role.ASPECT_RATIO)]
    res_both, res_any = _common(resolutions, _resolution_key)
    asp_both, asp_any = _common(aspects, _aspect_key)
    limited = [s for s in specs if s.prompt_max_length is not None]
    strictest = min(limited, key=lambda s: s.prompt_max_length or 0) if limited else None
    return CombinedOptions(
        models=tuple(specs),
        durations=tuple(shared),
        all_durations=tuple(every),
        resolutions=res_both,
        all_resolutions=res_any,
        aspect_ratios=asp_both,
        all_aspect_ratios=asp_any,
        prompt_max_length=strictest.prompt_max_length if strictest else None,
        prompt_limit_model=strictest.name if strictest else None,
    )
