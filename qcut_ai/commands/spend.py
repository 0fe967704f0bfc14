"""`qcut-ai spend`: what generation has cost, by day and by model, with job counts."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from qcut_ai.commands.common import add_json_arg, print_json
from qcut_ai.commands.spend_audit import parse_cap, run_caps, run_reconcile

if TYPE_CHECKING:
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.engine.spend import SpendLine, SpendReport


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "spend",
        help="estimated spend by day and by model, and the count of jobs",
        description="Failed and cancelled jobs cost $0 (fal bills only successful outputs); "
        "jobs still running are shown as pending; offline preview jobs are free.",
    )
    p.add_argument(
        "--project",
        metavar="DIR",
        help="one project folder (default: every project this user generated in)",
    )
    p.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD", help="only jobs from this UTC day on"
    )
    p.add_argument(
        "--reconcile",
        action="store_true",
        help="compare our estimates with what fal billed, per day and model (admin key)",
    )
    p.add_argument(
        "--cap",
        type=parse_cap,
        action="append",
        metavar="MODEL=USD",
        help="a model's daily cap, e.g. veo3.1=10 (MODEL=none removes it); repeatable",
    )
    add_json_arg(p)
    p.set_defaults(handler=run)


def _projects(args: argparse.Namespace) -> list[ProjectPaths]:
    from qcut_ai.core.app_dirs import app_dirs
    from qcut_ai.core.errors import ConfigError
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.engine.spend_registry import registered_projects

    if args.project:
        project = ProjectPaths.at(args.project)
        if not project.root.is_dir():
            raise ConfigError(
                f"There is no project folder at {project.root}.",
                hint="Pass the folder you generated into with --project.",
            )
        return [project]
    default = ProjectPaths.at(app_dirs().default_project)
    return [default, *registered_projects()]


def _usd(value: Decimal) -> str:
    from qcut_ai.core.pricing import format_usd

    return f"${format_usd(value)}"


def _jobs(n: int) -> str:
    return f"{n} job" + ("" if n == 1 else "s")


def _table(title: str, lines: list[SpendLine]) -> list[str]:
    width = max([len(title), *(len(line.label) for line in lines)])
    out = [f"{title:<{width}}  {'SPENT':>10}  {'PENDING':>10}  {'JOBS':>5}  FAILED/CANCELLED ($0)"]
    for line in lines:
        spent = _usd(line.spent_usd) + ("+?" if line.unpriced_spent_jobs else "")
        pending = _usd(line.pending_usd) + ("+?" if line.unpriced_pending_jobs else "")
        out.append(
            f"{line.label:<{width}}  {spent:>10}  {pending:>10}  {line.jobs:>5}  {line.free_jobs}"
        )
    return out


def render(report: SpendReport) -> str:
    """The report as text for a terminal."""
    since = f" since {report.since.isoformat()}" if report.since else ""
    total = report.total
    head = f"Spent {_usd(total.spent_usd)} on {_jobs(total.spent_jobs)}{since}"
    notes = []
    if total.pending_jobs:
        notes.append(f"pending {_usd(total.pending_usd)} on {_jobs(total.pending_jobs)}")
    if total.free_jobs:
        notes.append(f"{_jobs(total.free_jobs)} failed or cancelled at $0")
    if notes:
        head += f" ({'; '.join(notes)})"
    out = [head + "."]
    if total.unpriced_jobs:
        verb = "is" if total.unpriced_jobs == 1 else "are"
        out.append(
            f"{_jobs(total.unpriced_jobs)} had no published price and {verb} not in the "
            "dollar totals (marked +?)."
        )
    if report.rehearsal_jobs:
        out.append(f"{_jobs(report.rehearsal_jobs)} ran in offline preview, free.")
    for path in report.skipped:
        out.append(f"Skipped {path}: its database could not be read.")
    if report.by_day:
        out += ["", *_table("DAY (UTC)", report.by_day)]
        out += ["", *_table("MODEL", report.by_model)]
    if len(report.by_project) > 1:
        out += ["", *_table("PROJECT", report.by_project)]
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    from qcut_ai.engine.spend import spend_report

    if args.cap:
        return run_caps(args)
    if args.reconcile:
        return run_reconcile(args, _projects(args))
    report = spend_report(_projects(args), args.since)
    if args.json:
        print_json(report.to_json())
    else:
        print(render(report))
    return 0
