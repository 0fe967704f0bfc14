"""Does our price rule still agree with fal's unit price?

fal's pricing API gives one `unit_price` per endpoint (per second, per video,
...), stored with each sync. Our rule at the model's default settings is
compared with it; more than 1 % apart means fal changed its price and the
estimate is marked "price changed at fal: check" (and always confirmed).

fal describes its unit price as the base of a proportional adjustment for
resolution or length, so a unit price equal to one of our rule's own rates
(often the cheapest tier, while the default may be a higher one) also
counts as agreement. No unit price from fal, or units that cannot be
compared, is "unknown": nothing was checked.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from qcut_ai.core.catalog_schema import ModelSpec, PriceCheck, PriceUnit, Role, seconds_or_none

if TYPE_CHECKING:
    from qcut_ai.core.pricing import Estimate

CHANGED_TEXT = "price changed at fal: check"
CHECK_TEXT = {"ok": "", "changed": CHANGED_TEXT, "unknown": ""}


def default_estimate(spec: ModelSpec) -> Estimate:
    """The estimate at the model's default settings (what `models` shows)."""
    from qcut_ai.core.errors import InvalidRequestError
    from qcut_ai.core.pricing import estimate
    from qcut_ai.core.requests import build_arguments

    try:
        arguments = build_arguments(spec, spec.default_request(), require_inputs=False)
    except InvalidRequestError:
        arguments = {}
    return estimate(spec, arguments)


def _default_seconds(spec: ModelSpec) -> Decimal | None:
    field = spec.field_for(Role.DURATION)
    if field is not None and field.default is not None:
        seconds = seconds_or_none(field.default)
        return None if seconds is None else Decimal(seconds)
    return Decimal(spec.fixed_seconds) if spec.fixed_seconds else None


def price_check(spec: ModelSpec, at_defaults: Estimate | None = None) -> PriceCheck:
    """ok / changed / unknown, for the model's default settings."""
    from qcut_ai.core.catalog_overlay import decimal_close, fal_unit

    fal = spec.fal_price
    if fal is None:
        return "unknown"
    if spec.price.grade == "fal-unit":
        return "ok"  # our price is fal's unit price itself
    unit = fal_unit(fal.unit)
    if unit is None or not spec.price.rates:
        return "unknown"
    ours = at_defaults if at_defaults is not None else default_estimate(spec)
    per_unit: Decimal | None = None
    if ours.usd is not None:
        if unit is PriceUnit.PER_VIDEO:
            per_unit = ours.usd
        else:
            seconds = _default_seconds(spec)
            per_unit = ours.usd / seconds if seconds else None
    if per_unit is not None and decimal_close(per_unit, fal.unit_price):
        return "ok"
    if spec.price.unit is unit and any(
        r.usd is not None and decimal_close(r.usd, fal.unit_price) for r in spec.price.rates
    ):
        return "ok"
    # Without our price at the defaults (it needs the input's length) there is
    # nothing to hold fal's number against: not checked, rather than a false alarm.
    return "unknown" if per_unit is None else "changed"
