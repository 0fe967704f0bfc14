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

# Each sub-command's name and the module whose `register(subparsers)` adds it.
# The modules import their heavy dependencies inside the handler so `--help`
# and `models` stay fast.
COMMANDS = {
    "generate": "qcut_ai.commands.generate",
    "models": "qcut_ai.commands.models",
    "estimate": "qcut_ai.commands.models",
    "library": "qcut_ai.commands.library",
    "export": "qcut_ai.commands.export",
    "jobs": "qcut_ai.commands.jobs",
    "resume": "qcut_ai.commands.jobs",
    "key": "qcut_ai.commands.key",
    "standin": "qcut_ai.commands.standin",
    "spend": "qcut_ai.commands.spend",
    "template": "qcut_ai.commands.template",
    "prompt": "qcut_ai.commands.prompt",
    "diagnostics": "qcut_ai.commands.diagnostics",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))

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


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The `qcut-ai` parser; without `commands`, only the window's options (the
    sub-commands' eleven modules take ~30 ms to register, at every start)."""
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
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """`argv` parsed, registering the sub-commands only when one may be asked for.

    A word that names a sub-command, or `-h`, needs the full parser; so does
    anything the window's options do not take, whose error (an unknown
    command, a typo) the full parser words best.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    if not any(word in COMMANDS or word in ("-h", "--help") for word in words):
        args, extra = build_parser(commands=False).parse_known_args(words)
        if not extra:
            return args
    return build_parser().parse_args(words)


def _start_logging() -> None:
    """The rotating log under the app's log dir; a log that can't be opened never stops work."""
    from qcut_ai.services.logs import setup_logging

    try:
        setup_logging()
    except OSError as exc:
        print(f"qcut-ai: the log file could not be opened ({exc.strerror}).", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
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
