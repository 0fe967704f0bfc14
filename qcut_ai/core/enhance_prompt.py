"""Enhance with AI, the pure parts: what is asked of the LLM, what it costs, what came back.

The paid call itself is `qcut_ai.engine.enhance.enhance`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qcut_ai.core.catalog_schema import ModelSpec
from qcut_ai.core.errors import FalError
from qcut_ai.core.pricing import Estimate
from qcut_ai.core.prompt_builder import LengthCheck, uses_camera_keywords
from qcut_ai.core.prompt_presets import CAMERA_MOVES, MAX_CAMERA_KEYWORDS

ENHANCER_ENDPOINT = "fal-ai/any-llm"
# fal bills these LLMs at ten times the standard rate (its own schema text).
PREMIUM_LLMS = frozenset(
    {
        "meta-llama/llama-3.2-90b-vision-instruct",
        "openai/gpt-4o",
        "anthropic/claude-3-5-haiku",
        "google/gemini-pro-1.5",
        "anthropic/claude-3.5-sonnet",
    }
)
# A third-party figure for one standard-tier call; fal publishes no per-request rate.
STANDARD_CALL_USD = Decimal("0.001")
TYPICAL_SECONDS = 20.0
DEFAULT_PROMPT_BUDGET = 1500  # characters asked for when no selected model states a limit

_LABEL = re.compile(r"^\s*(?:enhanced\s+)?(?:video\s+)?prompt\s*:\s*", re.I)
_QUOTES = "\"'“”‘’`"


@dataclass(frozen=True)
class EnhanceResult:
    """The rewritten prompt, what it cost, and how each selected model takes its length."""

    prompt: str
    draft: str
    price: Estimate
    request_id: str
    endpoint: str
    lengths: tuple[LengthCheck, ...] = ()


Enhancer = Callable[[str, list[ModelSpec]], EnhanceResult]


def enhance_price(llm_model: str | None = None) -> Estimate:
    """What one enhance call should cost (fal's default LLM when `llm_model` is None)."""
    factor = 10 if llm_model in PREMIUM_LLMS else 1
    usd = STANDARD_CALL_USD * factor
    return Estimate(
        model_id=ENHANCER_ENDPOINT,
        usd=usd,
        unit="per_request",
        rate_text=f"${usd.normalize():f} per request",
        grade="third-party",
    )


def _system_prompt(models: Sequence[ModelSpec]) -> str:
    names = ", ".join(s.name for s in models) or "a modern text-to-video model"
    limits = [s.prompt_max_length for s in models if s.prompt_max_length]
    budget = min(limits) if limits else DEFAULT_PROMPT_BUDGET
    lines = [
        f"Rewrite the user's draft as one prompt for the video model {names}.",
        "Keep the subject, the order of events and every concrete detail the user gave.",
        "Add what a director would specify: shot framing, camera movement, lighting, setting, "
        "motion, visual style and mood.",
        "Write one paragraph in the present tense, without lists, headings, quotes or remarks.",
        f"Stay under {budget} characters.",
    ]
    if uses_camera_keywords(models):
        commands = ", ".join(m.keyword for m in CAMERA_MOVES if m.keyword)
        lines.append(
            f"You may open with up to {MAX_CAMERA_KEYWORDS} camera commands in one bracket, "
            f"e.g. [Pan left, Zoom in], chosen only from: {commands}."
        )
    else:
        lines.append("Describe camera movement in words; never use square-bracket commands.")
    lines.append("Reply with the prompt only.")
    return " ".join(lines)


def enhancer_arguments(
    draft: str, models: Sequence[ModelSpec] = (), *, llm_model: str | None = None
) -> dict[str, Any]:
    """What is sent to the LLM endpoint: the draft alone as `prompt`, instructions apart."""
    arguments: dict[str, Any] = {"prompt": draft.strip(), "system_prompt": _system_prompt(models)}
    if llm_model:
        arguments["model"] = llm_model
    return arguments


def rewritten(result: dict[str, Any], request_id: str) -> str:
    error = result.get("error")
    if error:
        raise FalError(
            f"The prompt enhancer failed: {error}.",
            hint="Your draft is unchanged; try again later.",
            request_id=request_id,
        )
    text = result.get("output")
    if not isinstance(text, str):
        text = ""
    text = _LABEL.sub("", text.strip()).strip()
    if len(text) > 1 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    if not text:
        raise FalError(
            "The prompt enhancer returned no text.",
            hint="Your draft is unchanged; try again.",
            request_id=request_id,
        )
    return " ".join(text.split())
