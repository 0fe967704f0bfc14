"""What a multi-model selection will send: each model's own request, its problems, its price.

One prompt goes to several models, but a choice such as 8 s or a negative
prompt may not exist on all of them. Each model gets the shared request fitted
to what it offers (`CombinedOptions.fit`), with a note for every change, and
only its own model-specific fields. The form shows the notes, the problems and
the prices from this plan, so what is validated and priced is what is sent.

No Qt here: the same fitting can serve the engine and the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qcut_ai.core.catalog import ModelSpec, RetiredModelError, Role, refuse_unusable
from qcut_ai.core.errors import FieldError, InvalidRequestError
from qcut_ai.core.options import CombinedOptions, combined_options
from qcut_ai.core.pricing import Estimate, estimate
from qcut_ai.core.requests import GenerationRequest, build_arguments

# Request options a model without the matching field simply does not get.
_DROPPABLE = (
    Role.PROMPT,
    Role.NEGATIVE_PROMPT,
    Role.IMAGE,
    Role.END_IMAGE,
    Role.AUDIO,
    Role.VIDEO,
    Role.GENERATE_AUDIO,
    Role.SEED,
    Role.REFERENCE_IMAGES,
)


@dataclass(frozen=True)
class InputFacts:
    """What was read from the media inputs (in workers), for checks and prices."""

    image_size: tuple[int, int] | None = None
    end_image_size: tuple[int, int] | None = None
    media_seconds: float | None = None  # length of the driving audio or video
    source_video: tuple[int, int, float, float] | None = None  # width, height, fps, seconds


@dataclass(frozen=True)
class ModelPlan:
    """One model's share of a batch.

    `problems` are wrong now (too long, out of range, shapes differ);
    `missing` are inputs still to give (a required prompt or image), which a
    form shows only once the user presses Generate.
    """

    spec: ModelSpec
    request: GenerationRequest
    notes: tuple[str, ...]
    problems: tuple[FieldError, ...]
    missing: tuple[FieldError, ...]
    estimate: Estimate
    # The wire arguments, built once here when nothing is wrong or missing (else None).
    arguments: dict[str, Any] | None = None


@dataclass(frozen=True)
class SelectionPlan:
    """Every selected model's plan, in selection order."""

    options: CombinedOptions
    models: tuple[ModelPlan, ...] = field(default=())
    facts: InputFacts = field(default_factory=lambda: InputFacts())
    # The request as the user set it, before fitting (History shows and re-runs it).
    shared: GenerationRequest = field(default_factory=lambda: GenerationRequest())

    @property
    def notes(self) -> list[str]:
        return [note for m in self.models for note in m.notes]

    @property
    def requests(self) -> list[GenerationRequest]:
        return [m.request for m in self.models]

    @property
    def estimates(self) -> list[Estimate]:
        return [m.estimate for m in self.models]

    @property
    def specs(self) -> list[ModelSpec]:
        return [m.spec for m in self.models]

    def refusal(self) -> InvalidRequestError | None:
        """Why the batch cannot be sent as it is (the first model's problems), else None."""
        for model in self.models:
            errors = [*model.problems, *model.missing]
            if errors or model.arguments is None:
                return InvalidRequestError(errors, model=model.spec.name)
        return None


def _dropped_note(spec: ModelSpec, role: Role, value: Any) -> str | None:
    if role is Role.NEGATIVE_PROMPT:
        return f"{spec.name}: no negative prompt"
    if role is Role.GENERATE_AUDIO and value:
        return f"{spec.name}: {'always has sound' if spec.audio else 'silent'}"
    if role is Role.SEED:
        return f"{spec.name}: no seed"
    return None


def fit_request(
    spec: ModelSpec,
    options: CombinedOptions,
    request: GenerationRequest,
    extras: Mapping[str, Any] | None = None,
) -> tuple[GenerationRequest, tuple[str, ...]]:
    """`request` as `spec` can take it, plus notes on what changed for this model.

    `extras` are this model's own wire fields; None keeps only those of
    `request.extras` that the model has.
    """
    if spec not in options.models:
        options = combined_options([spec])
    fitted = next(
        f
        for f in options.fit(
            duration=request.duration,
            resolution=request.resolution,
            aspect_ratio=request.aspect_ratio,
        )
        if f.model_id == spec.id
    )
    notes = list(fitted.notes)
    update: dict[str, Any] = {}
    for role in _DROPPABLE:
        value = getattr(request, role.value)
        if value is None or spec.field_for(role) is not None:
            continue
        update[role.value] = None
        note = _dropped_note(spec, role, value)
        if note:
            notes.append(note)
    own = (
        dict(extras)
        if extras is not None
        else {k: v for k, v in request.extras.items() if spec.field(k) is not None}
    )
    update["extras"] = own
    return fitted.apply(request).model_copy(update=update), tuple(notes)


def _errors(call: Callable[[], object]) -> list[FieldError]:
    try:
        call()
    except InvalidRequestError as exc:
        return list(exc.errors)
    return []


def _priceable_arguments(spec: ModelSpec, request: GenerationRequest) -> dict[str, Any]:
    """Arguments to price with: the request, else without the parts that fail, else defaults."""
    attempts = (
        request,
        request.model_copy(update={"prompt": None, "negative_prompt": None, "extras": {}}),
        GenerationRequest(duration=request.duration) if request.duration else None,
        GenerationRequest(),
    )
    for attempt in attempts:
        if attempt is None:
            continue
        try:
            return build_arguments(spec, attempt, require_inputs=False)
        except InvalidRequestError:
            continue
    return {}


def plan_model(
    spec: ModelSpec,
    options: CombinedOptions,
    request: GenerationRequest,
    extras: Mapping[str, Any] | None,
    facts: InputFacts,
) -> ModelPlan:
    """Fit, validate and price one model's request."""
    fitted, notes = fit_request(spec, options, request, extras)
    sizes = {"image_size": facts.image_size, "end_image_size": facts.end_image_size}
    problems = _errors(lambda: build_arguments(spec, fitted, require_inputs=False, **sizes))
    try:
        refuse_unusable(spec)
    except RetiredModelError as exc:
        problems.insert(0, FieldError("model", spec.id, exc.message))
    built: list[dict[str, Any]] = []
    every = _errors(
        lambda: built.append(build_arguments(spec, fitted, require_inputs=True, **sizes))
    )
    seen = {str(p) for p in problems}
    missing = [e for e in every if str(e) not in seen]
    price = estimate(
        spec,
        _priceable_arguments(spec, fitted),
        media_seconds=facts.media_seconds,
        source_video=facts.source_video,
    )
    arguments = built[0] if built and not problems else None
    return ModelPlan(spec, fitted, notes, tuple(problems), tuple(missing), price, arguments)


def plan_selection(
    specs: Sequence[ModelSpec],
    request: GenerationRequest,
    extras_for: Callable[[ModelSpec], Mapping[str, Any]] | None = None,
    facts: InputFacts | None = None,
) -> SelectionPlan:
    """Each selected model's fitted request, problems, notes and price."""
    options = combined_options(specs)
    facts = facts or InputFacts()
    models = tuple(
        plan_model(spec, options, request, extras_for(spec) if extras_for else None, facts)
        for spec in specs
    )
    return SelectionPlan(options, models, facts, request)
