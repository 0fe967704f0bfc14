"""Price estimates from the catalogue's rates, in exact decimal dollars.

Each model states its billing unit: per second of output, per video, first 5 s
plus each extra second, per million video tokens, or per output megapixel.
Rates can depend on the arguments (resolution, audio, ...) and, for avatars and
upscalers, on the input media, which the caller passes in (`media_seconds`,
`source_video`). A rate nobody has published is "price unknown", never $0.

Video tokens are width × height × fps × seconds / 1024. The model's catalogue
entry gives the frame size per resolution (the 16:9 size; Seedance keeps about
the same pixel count at other aspect ratios) and the frame rate (24 fps).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from qcut_ai.core.catalog_schema import (
    ModelSpec,
    PriceRule,
    PriceUnit,
    Role,
    condition_holds,
    seconds_or_none,
)

_GRADE_TEXT = {
    "fal": "fal's published price",
    "fal-unit": "fal's unit price",
    "fal-sibling": "fal's price for a sibling model",
    "third-party": "estimated from third-party data",
    "unknown": "price unknown",
}
_CENT = Decimal("0.01")
_MILLI = Decimal("0.001")


@dataclass(frozen=True)
class Estimate:
    """What one request should cost; `usd` None means the price is unknown.

    `grade` says where the rate comes from (fal, fal-sibling, third-party,
    unknown) so the UI can say "estimated from third-party data"; `missing`
    names the input that would make an unknown estimate known.
    """

    model_id: str
    usd: Decimal | None
    unit: str
    rate_text: str
    grade: str
    missing: str = ""

    @property
    def known(self) -> bool:
        return self.usd is not None

    @property
    def grade_text(self) -> str:
        return _GRADE_TEXT.get(self.grade, self.grade)

    def text(self) -> str:
        """ "$0.40", "$0.243" below a dollar when cents would hide the price, or "price unknown"."""
        if self.usd is None:
            return "price unknown"
        return f"${format_usd(self.usd)}"


def format_usd(usd: Decimal) -> str:
    """Cents, or tenths of a cent for small amounts that cents would round away."""
    cents = usd.quantize(_CENT)
    if cents == usd or usd >= 1:
        return str(cents)
    return str(usd.quantize(_MILLI))


def _money(value: Decimal) -> str:
    return f"${value.normalize():f}" if value < _CENT else f"${format_usd(value)}"


def _rate_text(unit: PriceUnit, rule: PriceRule, base_seconds: int | None) -> str:
    if rule.fee_usd and rule.usd == 0:
        return f"{_money(rule.fee_usd)} per request"
    text = _unit_rate_text(unit, rule, base_seconds)
    if rule.fee_usd:
        text += f" + {_money(rule.fee_usd)} per request"
    return text


def _unit_rate_text(unit: PriceUnit, rule: PriceRule, base_seconds: int | None) -> str:
    assert rule.usd is not None
    rate = _money(rule.usd)
    if unit is PriceUnit.PER_SECOND:
        return f"{rate}/s"
    if unit is PriceUnit.PER_VIDEO:
        return f"{rate} per video"
    if unit is PriceUnit.PER_5S_PLUS_PER_EXTRA_SECOND:
        extra = _money(rule.extra_usd or Decimal(0))
        return f"{rate} for the first {base_seconds or 5} s + {extra}/s after"
    if unit is PriceUnit.PER_MILLION_VIDEO_TOKENS:
        return f"{rate} per million video tokens"
    return f"{rate} per output megapixel"


def _values(
    spec: ModelSpec,
    arguments: Mapping[str, Any],
    source_video: tuple[int, int, float, float] | None,
) -> dict[str, Any]:
    """Arguments plus the defaults fal applies, plus what the output will be like."""
    values: dict[str, Any] = {f.name: f.default for f in spec.fields if f.default is not None}
    values.update(arguments)
    if source_video is not None:
        _, height, fps, _ = source_video
        factor = values.get("upscale_factor", 1)
        values["output_height"] = height * factor
        target = values.get("target_fps")
        numeric = isinstance(target, int | float) and not isinstance(target, bool)
        values["output_fps"] = target if numeric else fps
    return values


def _seconds(
    spec: ModelSpec,
    values: Mapping[str, Any],
    media_seconds: float | None,
    source_video: tuple[int, int, float, float] | None,
) -> Decimal | None:
    duration = spec.field_for(Role.DURATION)
    if duration is not None and duration.name in values:
        seconds = seconds_or_none(values[duration.name])
        # "auto" lets the model choose the length: the price is known afterwards only.
        return None if seconds is None else Decimal(seconds)
    if spec.fixed_seconds:
        return Decimal(spec.fixed_seconds)
    if media_seconds is not None:
        return Decimal(str(media_seconds))
    if source_video is not None:
        return Decimal(str(source_video[3]))
    return None


def estimate(
    spec: ModelSpec,
    arguments: Mapping[str, Any],
    *,
    media_seconds: float | None = None,
    source_video: tuple[int, int, float, float] | None = None,
) -> Estimate:
    """The price of sending `arguments` (from `build_arguments`) to `spec`.

    `media_seconds` is the length of the driving audio or video (avatars bill by
    it); `source_video` is (width, height, fps, seconds) of a video to upscale.
    """
    price = spec.price
    values = _values(spec, arguments, source_video)

    def unknown(rate_text: str, missing: str = "") -> Estimate:
        return Estimate(spec.id, None, price.unit.value, rate_text, price.grade, missing)

    rule = next((r for r in price.rates if condition_holds(r.when, values)), None)
    if not price.rates:
        return unknown("no published rate")
    if rule is None or rule.usd is None:
        return unknown("no published rate for these settings")
    factor = Decimal(1)
    labels = []
    for adjustment in price.adjustments:
        if condition_holds(adjustment.when, values):
            factor *= adjustment.factor
            labels.append(adjustment.label)
    rate_text = _rate_text(price.unit, rule, price.base_seconds)
    if labels:
        rate_text += f" ({', '.join(labels)})"
    usd = _amount(spec, rule, values, media_seconds, source_video)
    if isinstance(usd, str):
        return unknown(rate_text, usd)
    total = usd * factor + (rule.fee_usd or Decimal(0))
    return Estimate(spec.id, total, price.unit.value, rate_text, price.grade)


def _amount(
    spec: ModelSpec,
    rule: PriceRule,
    values: Mapping[str, Any],
    media_seconds: float | None,
    source_video: tuple[int, int, float, float] | None,
) -> Decimal | str:
    """The amount before adjustments, or the name of the input it still needs."""
    assert rule.usd is not None
    unit = spec.price.unit
    if unit is PriceUnit.PER_VIDEO:
        return rule.usd
    if unit is PriceUnit.PER_OUTPUT_MEGAPIXEL:
        if source_video is None:
            return "the source video's size, frame rate and length"
        src_width, src_height, src_fps, src_seconds = source_video
        scale = Decimal(str(values.get("upscale_factor", 1)))
        src_frames = Decimal(round(src_fps * src_seconds))  # a video has whole frames
        pixels = Decimal(src_width) * scale * Decimal(src_height) * scale * src_frames
        return rule.usd * pixels / Decimal(1_000_000)
    seconds = _seconds(spec, values, media_seconds, source_video)
    if seconds is None:
        duration = spec.field_for(Role.DURATION)
        if duration is not None and duration.name in values:
            return "a set duration (with auto the model picks the length)"
        needs = "the source video's length" if spec.field_for(Role.VIDEO) else "the input length"
        return needs
    step = spec.price.round_up_seconds
    if step:
        seconds = (seconds / step).to_integral_value(rounding=ROUND_CEILING) * step
    if unit is PriceUnit.PER_SECOND:
        return rule.usd * seconds
    if unit is PriceUnit.PER_5S_PLUS_PER_EXTRA_SECOND:
        base = Decimal(spec.price.base_seconds or 5)
        extra = max(Decimal(0), seconds - base) * (rule.extra_usd or Decimal(0))
        return rule.usd + extra
    sizing = spec.price.tokens
    res_field = spec.field_for(Role.RESOLUTION)
    resolution = values.get(res_field.name) if res_field else None
    if sizing is None or resolution not in sizing.frame_sizes:
        return "a resolution with a known frame size"
    width, height = sizing.frame_sizes[resolution]
    frames = Decimal(values.get("num_frames") or sizing.fps * seconds)
    tokens = Decimal(width * height) * frames / Decimal(1024)
    return rule.usd * tokens / Decimal(1_000_000)


def batch_total(estimates: Iterable[Estimate]) -> tuple[Decimal, int]:
    """Sum of the known estimates and how many are unknown."""
    total = Decimal(0)
    unknown = 0
    for item in estimates:
        if item.usd is None:
            unknown += 1
        else:
            total += item.usd
    return total, unknown


def why_confirm(
    estimates: Sequence[Estimate],
    threshold_usd: float,
    *,
    price_moved: Sequence[str] = (),
    rehearsal: bool = False,
) -> str:
    """Why the user must confirm this batch before it is sent, or "" when it may go.

    A batch above the threshold, with a price nobody knows, or with a model
    whose price fal changed since our table was made (whatever the threshold)
    is asked about. The command line and the panel both ask with this text; an
    offline rehearsal asks the same question in the conditional ("would cost").
    """
    reasons: list[str] = []
    if price_moved:
        reasons.append(
            f"fal's price for {', '.join(price_moved)} changed since qcut-ai's price table "
            "was made, so the estimate may be wrong."
        )
    known, unknown = batch_total(estimates)
    unpriced = f"{unknown} model(s) with unknown price"
    costs = "would cost at fal" if rehearsal else "costs"
    if float(known) > threshold_usd:
        extra = f" plus {unpriced}" if unknown else ""
        reasons.append(
            f"This batch {costs} an estimated ${format_usd(known)}{extra}, above the "
            f"${threshold_usd:.2f} confirmation threshold."
        )
    elif unknown:
        reasons.append(f"This batch has {unpriced}, so its cost needs confirmation.")
    return " ".join(reasons)
