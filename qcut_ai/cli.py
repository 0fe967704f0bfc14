"""The `qcut-ai` command.

With no sub-command it opens the app window. Sub-commands drive the same core
headlessly and never import Qt. A failure exits non-zero with one clear line
on stderr; `--json` output goes to stdout.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from qcut_ai import __version__
from qcut_ai.core.errors import QcutError

log = logging.getLogger(__name__)

# Sub-command modules, each with `register(subparsers)`. They import their
# heavy dependencies inside the handler so `--help` and `models` stay fast.
COMMAND_MODULES = (
    "qcut_ai.commands.generate",
    "qcut_ai.commands.models",
    "qcut_ai.commands.library",
    "qcut_ai.commands.export",
    "qcut_ai.commands.jobs",
    "qcut_ai.commands.key",
    "qcut_ai.commands.standin",
    "qcut_ai.commands.spend",
    "qcut_ai.commands.template",
    "qcut_ai.commands.prompt",
    "qcut_ai.commands.diagnostics",
)

EXIT_USER_ERROR = 2
EXIT_BUG = 70


def window_size(text: str) -> tuple[int, int]:
    """`1280x720` → (1280, 720); anything else is one sentence from argparse."""
    width, sep, height = text.lower().partition("x")
    if sep and width.isdigit() and height.isdigit() and int(width) >= 320 and int(height) >= 240:
        return int(width), int(height)
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a window size: give width x height in pixels, e.g. 1280x720."
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qcut-ai",
        description="AI video generation panel for desktop video editors (fal.ai).",
    )
    parser.add_argument("--version", action="version", version=f"qcut-ai {__version__}")
    parser.add_argument("--project", help="project folder to open in the window")
    parser.add_argument(
        "--offline", action="store_true", help="open the window in offline preview mode"
    )
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        help="render the main window with sample content to a PNG and exit",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=window_size,
        help="open the window at this size, e.g. 1280x720 (with --screenshot too)",
    )
    parser.add_argument(
        "--dock-width",
        metavar="PX",
        type=int,
        help="dock the panel at this width in pixels (e.g. 320 to see the compact layout)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _start_logging() -> None:
    """The rotating log under the app's log dir; a log that can't be opened never stops work."""
    from qcut_ai.services.logs import setup_logging

    try:
        setup_logging()
    except OSError as exc:
        print(f"qcut-ai: the log file could not be opened ({exc.strerror}).", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _start_logging()
        if args.command is None:
            from qcut_ai.app.main import run_app

            return run_app(args)
        result: int = args.handler(args)
        return result
    except QcutError as exc:
        print(f"qcut-ai: {exc.user_text()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # `qcut-ai models | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("qcut-ai: interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # boundary: a bug, reported as one line plus where to look
        log.exception("internal error in %r", args.command)
        print(
            f"qcut-ai: internal error ({type(exc).__name__}: {exc}). "
            "Please report it with the log file.",
            file=sys.stderr,
        )
        return EXIT_BUG
