"""ruff and mypy are part of the suite, so style and type regressions fail CI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_lint_and_format() -> None:
    lint = _run("ruff", "check", "qcut_ai", "tests", "scripts")
    assert lint.returncode == 0, lint.stdout[-3000:]
    fmt = _run("ruff", "format", "--check", "qcut_ai", "tests", "scripts")
    assert fmt.returncode == 0, fmt.stdout[-3000:]


def test_mypy_strict_defs() -> None:
    proc = _run("mypy")
    assert proc.returncode == 0, proc.stdout[-3000:]
