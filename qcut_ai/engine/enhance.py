"""Enhance with AI: the paid call (the pure parts are in qcut_ai.core.enhance).

Callers show `enhance_price()` and ask before calling `enhance()`, which is
never run on its own. The request goes through the same FalGateway (and key)
as video jobs; offline, the stand-in answers with a deterministic rewrite.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qcut_ai.core.catalog_schema import ModelSpec
from qcut_ai.core.enhance_prompt import (
    ENHANCER_ENDPOINT,
    TYPICAL_SECONDS,
    Enhancer,
    EnhanceResult,
    enhance_price,
    enhancer_arguments,
    rewritten,
)
from qcut_ai.core.errors import FieldError, InvalidRequestError
from qcut_ai.core.prompt_builder import check_lengths
from qcut_ai.services.fal_gateway import AbortCheck, FalGateway


def enhance(
    gateway: FalGateway,
    draft: str,
    models: Sequence[ModelSpec] = (),
    *,
    llm_model: str | None = None,
    abort: AbortCheck | None = None,
) -> EnhanceResult:
    """Send the draft to the LLM endpoint and return its rewrite. This spends money."""
    if not draft.strip():
        raise InvalidRequestError(
            [FieldError("prompt", draft, "is empty; write a draft to enhance")]
        )
    arguments = enhancer_arguments(draft, models, llm_model=llm_model)
    submission = gateway.submit(ENHANCER_ENDPOINT, arguments)
    gateway.wait(submission, typical_seconds=TYPICAL_SECONDS, abort=abort)
    prompt = rewritten(gateway.result(submission), submission.request_id)
    return EnhanceResult(
        prompt=prompt,
        draft=draft,
        price=enhance_price(llm_model),
        request_id=submission.request_id,
        endpoint=ENHANCER_ENDPOINT,
        lengths=tuple(check_lengths(prompt, models)),
    )


def enhancer_for(gateway: Callable[[], FalGateway]) -> Enhancer:
    """An `Enhancer` for the GUI, using whatever gateway the connection holds at call time."""

    def run(draft: str, models: list[ModelSpec]) -> EnhanceResult:
        return enhance(gateway(), draft, models)

    return run
