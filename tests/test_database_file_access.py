"""No code opens the project database with plain file APIs.

POSIX locks belong to the process: closing any descriptor of the database
file drops every SQLite lock the process holds on it, and another process may
then delete the WAL under a live connection. Two checks: no call in the
package passes a database path to a plain file API, and a whole generate /
resume / list / import run opens no `qcut-ai.db*` file from Python.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from qcut_ai.cli import main
from qcut_ai.core.settings import Settings
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.services.settings_store import SettingsStore

PACKAGE = Path(__file__).resolve().parents[1] / "qcut_ai"
_FILE_CALLS = {
    "open",
    "read_bytes",
    "read_text",
    "write_bytes",
    "write_text",
    "copy",
    "copy2",
    "copyfile",
    "copyfileobj",
    "truncate",
}
_DATABASE_WORDS = ("database", "db_path", "qcut-ai.db", "PROJECT_DB_NAME", "db_file")


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def test_no_plain_file_call_names_the_database() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call) or _call_name(node) not in _FILE_CALLS:
                continue
            receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
            parts = [*node.args, *(k.value for k in node.keywords)]
            if receiver is not None:
                parts.append(receiver)
            text = " ".join(ast.get_source_segment(source, p) or "" for p in parts)
            if any(word in text for word in _DATABASE_WORDS):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {text}")
    assert offenders == []


_opened: list[str] = []
_recording = [False]


def _hook(event: str, args: tuple[object, ...]) -> None:
    if _recording[0] and event == "open" and args and isinstance(args[0], str | bytes | Path):
        name = Path(str(args[0] if not isinstance(args[0], bytes) else args[0].decode())).name
        if name.startswith("qcut-ai.db"):
            _opened.append(str(args[0]))


sys.addaudithook(_hook)  # hooks cannot be removed; it records only inside the test


def test_a_whole_run_opens_no_database_file_from_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    SettingsStore().save(Settings(poll_interval_s=0.05, poll_max_interval_s=0.1))
    still = tmp_path / "still.png"
    from PIL import Image

    Image.new("RGB", (64, 64), (10, 200, 30)).save(still)
    project = str(tmp_path / "P")
    with StandIn(profile="instant") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
        _recording[0] = True
        try:
            runs = [
                [
                    "generate",
                    "--model",
                    "wan-2.2-turbo,kling-2.5-turbo-pro",
                    "--prompt",
                    "dunes",
                    "--project",
                    project,
                    "--yes",
                    "--quiet",
                ],
                ["resume", "--project", project, "--quiet"],
                ["library", "list", "--project", project],
                ["library", "import", str(still), "--project", project],
                ["library", "search", "dunes", "--project", project],
                ["jobs", "--project", project],
                ["spend", "--project", project],
            ]
            codes = [main(args) for args in runs]
        finally:
            _recording[0] = False
    capsys.readouterr()
    assert codes == [0] * len(runs)
    assert _opened == []
