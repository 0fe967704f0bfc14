"""Helpers shared by the sub-commands."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.project import ProjectPaths


def add_project_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        metavar="DIR",
        help="project folder (default: the Default project in the app's data folder)",
    )


def add_json_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def project_from(args: argparse.Namespace) -> ProjectPaths:
    root = args.project or str(app_dirs().default_project)
    return ProjectPaths.at(root).ensure()


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def eprint(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
