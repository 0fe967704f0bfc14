"""`qcut-ai diagnostics`: what to attach to a bug report, with the key left out."""

from __future__ import annotations

import argparse

from qcut_ai.commands.common import add_json_arg, print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "diagnostics",
        help="print versions, settings, key status and recent log lines (redacted)",
    )
    p.add_argument(
        "--log-lines", type=int, default=200, metavar="N", help="recent log lines to include"
    )
    add_json_arg(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from qcut_ai.services.diagnostics import collect_diagnostics, format_diagnostics

    data = collect_diagnostics(log_lines=max(0, args.log_lines))
    if args.json:
        print_json(data)
    else:
        print(format_diagnostics(data), end="")
    return 0
