"""`python -m qcut_ai` runs the same entry point as the `qcut-ai` command."""

from __future__ import annotations

import sys

from qcut_ai.cli import main

if __name__ == "__main__":
    sys.exit(main())
