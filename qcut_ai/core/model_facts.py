"""Short texts that describe a model in the picker: ranges, typical time and price.

No Qt here; the picker paints these strings.
"""

from __future__ import annotations

from qcut_ai.core.catalog import ModelSpec, Role
from qcut_ai.core.errors import InvalidRequestError
from qcut_ai.core.options import resolution_height
from qcut_ai.core.pricing import Estimate, estimate
from qcut_ai.core.requests import build_arguments


def duration_text(spec: ModelSpec) -> str:
    """ "4–8 s", "6 s", "fixed 6 s" or "input length"."""
    offered = spec.durations()
    if offered:
        low, high = min(offered), max(offered)
        return f"{low} s" if low == high else f"{low}–{high} s"
    if spec.fixed_seconds:
        return f"fixed {spec.fixed_seconds} s"
    if spec.field_for(Role.DURATION) is None and (
        spec.field_for(Role.AUDIO) or spec.field_for(Role.VIDEO)
    ):
        return "input length"
    return ""


def resolution_text(spec: ModelSpec) -> str:
    """ "720p–4k", "1080p" or "" when the model has no resolution choice."""
    named = [r for r in spec.options(Role.RESOLUTION) if resolution_height(r) is not None]
    if not named:
        return ""
    named.sort(key=lambda r: resolution_height(r) or 0)
    low, high = named[0], named[-1]
    return low if low == high else f"{low}–{high}"


def typical_time_text(spec: ModelSpec) -> str:
    """ "~45 s", "~2 min": how long a run usually takes, queue included."""
    seconds = spec.typical_seconds
    if seconds < 90:
        return f"~{seconds} s"
    return f"~{round(seconds / 60)} min"


def default_estimate(spec: ModelSpec) -> Estimate:
    """The price of a run at the model's default settings."""
    try:
        arguments = build_arguments(spec, spec.default_request(), require_inputs=False)
    except InvalidRequestError:
        arguments = {}
    return estimate(spec, arguments)


def price_text(spec: ModelSpec) -> str:
    """ "$0.80 / 8 s", "$0.0072/s" (needs the input to total) or "price unknown"."""
    est = default_estimate(spec)
    if est.known:
        seconds = spec.default_request().duration or spec.fixed_seconds
        return f"{est.text()} / {seconds} s" if seconds else est.text()
    if est.rate_text.startswith("$"):
        return est.rate_text
    return "price unknown"


def price_tooltip(spec: ModelSpec) -> str:
    est = default_estimate(spec)
    lines = [est.rate_text, est.grade_text]
    if est.missing:
        lines.append(f"The total needs {est.missing}.")
    return "\n".join(line for line in lines if line)


def summary_line(spec: ModelSpec) -> str:
    """Vendor and ranges: "Google · 720p–4k · 4–8 s · ~1 min"."""
    parts = [spec.vendor, resolution_text(spec), duration_text(spec), typical_time_text(spec)]
    return " · ".join(p for p in parts if p)


def search_text(spec: ModelSpec) -> str:
    """Everything the filter box matches against, lower case."""
    words = [spec.name, spec.id, spec.vendor, spec.tier.value, spec.best_for]
    if spec.audio:
        words.append("audio sound")
    if spec.recommended:
        words.append("recommended")
    return " ".join(words).lower()
