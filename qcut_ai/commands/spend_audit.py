"""`qcut-ai spend --reconcile` (our estimates beside fal's billed cost) and
`qcut-ai spend --cap MODEL=USD` (a model's daily cap)."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from qcut_ai.commands.common import print_json

if TYPE_CHECKING:
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.engine.spend_reconcile import Reconciliation


def _usd(value: Decimal) -> str:
    from qcut_ai.core.pricing import format_usd

    sign = "-" if value < 0 else ("+" if value > 0 else "")
    return f"{sign}${format_usd(abs(value))}"


def _plain(value: Decimal) -> str:
    from qcut_ai.core.pricing import format_usd

    return f"${format_usd(value)}"


def render_reconciliation(result: Reconciliation) -> str:
    """The comparison as text for a terminal: a head line, the table, then the flags."""
    diff = result.fal_usd - result.ours_usd
    head = (
        f"fal billed {_plain(result.fal_usd)}, we estimated {_plain(result.ours_usd)} "
        f"({_usd(diff)}) from {result.since.isoformat()} to {result.until.isoformat()} (UTC)."
    )
    out = [head]
    if result.note:
        out.append(result.note)
    else:
        out.append(f"Asked fal at {result.fetched_at}; kept in the ledger.")
    if not result.lines:
        out.append("No paid jobs in the ledger for these days.")
        return "\n".join(out)
    width = max(5, *(len(line.model_name) for line in result.lines))
    out += [
        "",
        f"{'DAY (UTC)':<10}  {'MODEL':<{width}}  {'JOBS':>4}  {'OURS':>8}  {'FAL':>8}  "
        f"{'DIFF':>8}  NOT BILLED",
    ]
    for line in result.lines:
        fal = _plain(line.fal_usd) if line.fal_usd is not None else "-"
        mark = " !" if line.flag else ""
        unbilled = ", ".join(job[:8] for job in line.not_billed) or "-"
        out.append(
            f"{line.day:<10}  {line.model_name:<{width}}  {line.jobs:>4}  "
            f"{_plain(line.ours_usd):>8}  {fal:>8}  {_usd(line.difference_usd):>8}  "
            f"{unbilled}{mark}"
        )
    if result.flagged:
        out.append("")
        for line in result.flagged:
            out.append(f"! {line.day} {line.model_name}: {line.flag}")
    else:
        out += ["", "Every day is within 5 % and $0.50 of fal's numbers."]
    if any(line.not_billed for line in result.lines):
        out.append("NOT BILLED lists jobs that failed or were cancelled: fal bills them $0.")
    for path in result.skipped:
        out.append(f"Skipped {path}: its database could not be read.")
    return "\n".join(out)


def run_reconcile(args: argparse.Namespace, projects: list[ProjectPaths]) -> int:
    from qcut_ai.engine.spend_reconcile import reconcile
    from qcut_ai.services.fal_platform import FalPlatformClient
    from qcut_ai.services.secrets import require_key

    key = require_key()
    result = reconcile(projects, lambda: FalPlatformClient(key.value), args.since)
    if args.json:
        print_json(result.to_json())
    else:
        print(render_reconciliation(result))
    return 0


def parse_cap(text: str) -> tuple[str, float | None]:
    """ "veo3.1=10" -> ("veo3.1", 10.0); "veo3.1=none" removes the cap."""
    model, equals, amount = text.partition("=")
    if not equals or not model.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not MODEL=USD (e.g. veo3.1=10)")
    amount = amount.strip().lstrip("$")
    if amount.lower() in ("none", "off", ""):
        return model.strip(), None
    try:
        usd = Decimal(amount)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{amount!r} is not an amount in USD") from None
    if not usd.is_finite() or usd < 0:
        raise argparse.ArgumentTypeError(f"{amount!r} is not an amount in USD")
    return model.strip(), float(usd)


def run_caps(args: argparse.Namespace) -> int:
    """Set or remove each --cap, then list every cap."""
    from qcut_ai.core.catalog import load_catalog
    from qcut_ai.services.settings_store import SettingsStore

    store = SettingsStore()
    settings = store.load()
    caps = dict(settings.model_caps_usd)
    catalog = load_catalog()
    for model, usd in args.cap:
        spec = catalog.get(model)  # an unknown model: one sentence naming close matches
        if usd is None:
            caps.pop(spec.id, None)
        else:
            caps[spec.id] = usd
    store.save(settings.replace(model_caps_usd=caps))
    if args.json:
        print_json({"model_caps_usd": caps})
        return 0
    if not caps:
        print("No model has a daily cap.")
    for model_id, usd in sorted(caps.items()):
        name = catalog.get(model_id).name
        print(f"{name} ({model_id}) <= {_plain(Decimal(str(usd)))}/day (UTC)")
    return 0
