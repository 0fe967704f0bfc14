"""Where each problem of a planned batch is shown, and how it reads.

A problem belongs beside its field: an input slot, the prompt, the negative
prompt, the shared options, or one model-specific editor. The first problem
overall also goes under the Generate button.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from qcut_ai.core.catalog import Category, MediaRole, ModelSpec
from qcut_ai.core.errors import FieldError
from qcut_ai.core.input_labels import field_label, slot_label
from qcut_ai.core.selection import SelectionPlan

_MEDIA = {r.value for r in MediaRole}
_OPTION_FIELDS = {"duration", "resolution", "aspect_ratio", "generate_audio", "seed"}
_WORDS = {"negative_prompt": "Negative prompt", "generate_audio": "Sound"}
ORDER = ("models", "input", "prompt", "negative", "options", "extra")


@dataclass(frozen=True)
class Place:
    """Where an error shows: `kind` is one of ORDER; `key` names the role or editor."""

    kind: str
    key: str = ""


def field_title(category: Category, field: str) -> str:
    """The name a user knows a field by: "Last frame", "Negative prompt", "Cfg scale"."""
    if field in _MEDIA:
        return slot_label(category, MediaRole(field))
    return _WORDS.get(field, field_label(field))


def describe(category: Category, spec: ModelSpec, error: FieldError) -> str:
    """ "Prompt for Kling 2.1 Master: 2,600 characters is over the limit of 2,500." """
    title = field_title(category, error.field)
    if error.value is None and error.message.startswith("is required"):
        return f"{title} {error.message}."
    return f"{title} for {spec.name}: {error.message}."


def place_of(
    spec: ModelSpec, error: FieldError, extra_key: Callable[[str, str], str | None]
) -> Place:
    """The place for one model's error; `extra_key(model_id, wire_name)` finds editors."""
    if error.field in _MEDIA:
        return Place("input", error.field)
    if error.field == "prompt":
        return Place("prompt")
    if error.field == "negative_prompt":
        return Place("negative")
    key = extra_key(spec.id, error.field)
    if key is not None and error.field not in _OPTION_FIELDS:
        return Place("extra", key)
    return Place("options")


def collect_errors(
    category: Category,
    plan: SelectionPlan,
    *,
    input_problems: Mapping[MediaRole, str],
    unreadable_extras: Mapping[str, str],
    extra_key: Callable[[str, str], str | None],
    missing: bool,
) -> dict[Place, str]:
    """The first error per place, in form order; `missing` adds inputs still to give."""
    found: dict[Place, str] = {}
    if not plan.models:
        found[Place("models")] = "Select at least one model."
    for role, text in input_problems.items():
        found[Place("input", role.value)] = text
    for key, text in unreadable_extras.items():
        found.setdefault(Place("extra", key), f"{field_label(key.split('#')[0])}: {text}")
    for model in plan.models:
        for error in model.problems + (model.missing if missing else ()):
            found.setdefault(
                place_of(model.spec, error, extra_key), describe(category, model.spec, error)
            )
    return dict(sorted(found.items(), key=lambda item: ORDER.index(item[0].kind)))
