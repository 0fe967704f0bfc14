"""`qcut-ai standin`: run the offline fal stand-in in the foreground.

Prints the base URL as the first line of stdout, then serves until SIGINT or
SIGTERM. Point the app or the CLI at it with QCUT_AI_FAL_URL=<that URL>.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

PROFILE_CHOICES = ("instant", "fast", "realistic")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "standin",
        help="run the offline fal stand-in server",
        description="Serve fal's queue protocol on loopback with real MP4 results.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument("--profile", choices=PROFILE_CHOICES, default="fast", help="job timing")
    parser.add_argument(
        "--faults",
        default="",
        help='faults to inject, e.g. "http-429,file-404*2" (name*N: N times, name*: always)',
    )
    parser.add_argument("--key", action="append", dest="keys", help="accept only this key")
    parser.add_argument("--media-dir", type=Path, help="keep rendered videos and uploads here")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument(
        "--idle-exit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop after this long without a request (a stand-in the app started for itself)",
    )
    parser.set_defaults(handler=run)


class _IdleClock:
    """Time since the stand-in last saw a request (submit, poll, upload, download, cancel)."""

    def __init__(self, server: Any, limit_s: float | None) -> None:
        self._server, self._limit = server, limit_s
        self._seen = self._activity()
        self._since = time.monotonic()

    def _activity(self) -> tuple[int, ...]:
        s = self._server
        polls = sum(s.status_polls.values())
        return (len(s.submissions), polls, len(s.uploads), len(s.downloads), len(s.cancels))

    def expired(self) -> bool:
        if self._limit is None:
            return False
        now, seen = time.monotonic(), self._activity()
        if seen != self._seen:
            self._seen, self._since = seen, now
        return now - self._since >= self._limit


def run(args: argparse.Namespace) -> int:
    from qcut_ai.core.errors import ConfigError
    from qcut_ai.services.rehearsal import StandIn
    from qcut_ai.services.rehearsal.faults import parse_fault_list

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    try:
        faults = parse_fault_list(args.faults)
    except ValueError as exc:
        raise ConfigError(str(exc), hint="Run `qcut-ai standin --help` for the syntax.") from exc
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            server = StandIn(
                keys=args.keys,
                profile=args.profile,
                media_dir=args.media_dir,
                host=args.host,
                port=args.port,
            ).start()
        except OSError as exc:
            raise ConfigError(
                f"The stand-in could not listen on {args.host}:{args.port} ({exc.strerror}).",
                hint="Pick another --port or stop the program using it.",
            ) from exc
        try:
            for name, times in faults:
                server.inject(name, times)
            print(server.base_url, flush=True)
            print(
                f"fal stand-in ({args.profile}) serving; set QCUT_AI_FAL_URL={server.base_url}. "
                "Press Ctrl+C to stop.",
                file=sys.stderr,
                flush=True,
            )
            idle = _IdleClock(server, args.idle_exit)
            while not done.wait(0.5):
                if idle.expired():
                    break
        finally:
            server.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run only this sub-command (used by tests and `python -m`)."""
    parser = argparse.ArgumentParser(prog="qcut-ai")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["standin", *(argv or [])])
    from qcut_ai.core.errors import QcutError

    try:
        result: int = args.handler(args)
    except QcutError as exc:
        print(f"qcut-ai: {exc.user_text()}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
