"""`qcut-ai library …` end to end, through the real argument parser."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from qcut_ai.commands import library as library_command
from qcut_ai.core.errors import QcutError


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="qcut-ai")
    library_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    try:
        code = args.handler(args)
    except QcutError as exc:  # what cli.main prints
        print(f"qcut-ai: {exc.user_text()}", file=__import__("sys").stderr)
        code = 2
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QCUT_AI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "home"


def test_import_list_search_info_remove(
    media: dict[str, Path], tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = str(tmp_path / "Proj")
    code, out, err = _run(
        [
            "library",
            "import",
            str(media["h264"]),
            str(media["html"]),
            str(media["png"]),
            "--project",
            proj,
            "--json",
        ],
        capsys,
    )
    assert code == 2  # one file was refused
    rows = json.loads(out)
    assert [("error" in r) for r in rows] == [False, True, False]
    assert "web page" in rows[1]["error"]
    video_id = rows[0]["id"]

    code, out, _ = _run(["library", "list", "--project", proj], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "KIND", "LENGTH"]
    assert "h264.mp4" in out and "still.png" in out

    code, out, _ = _run(["library", "search", "h264", "--project", proj, "--json"], capsys)
    assert [r["id"] for r in json.loads(out)] == [video_id]

    code, out, _ = _run(["library", "info", str(video_id), "--project", proj, "--json"], capsys)
    info = json.loads(out)
    assert info["width"] == 160 and info["provenance"] is None

    code, out, err = _run(["library", "info", "999", "--project", proj], capsys)
    assert code == 2 and "no media item 999" in err

    code, out, _ = _run(["library", "remove", str(video_id), "--project", proj], capsys)
    assert code == 0 and media["h264"].exists()  # only forgotten, not deleted
    code, out, _ = _run(["library", "list", "--project", proj, "--json"], capsys)
    assert len(json.loads(out)) == 1


def test_default_project_and_relink(
    media: dict[str, Path], tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "shoot"
    src.mkdir()
    clip = src / "take1.mp4"
    shutil.copyfile(media["vp9"], clip)
    code, out, _ = _run(["library", "import", str(clip)], capsys)
    assert code == 0
    assert (home / "data" / "projects" / "Default" / "qcut-ai.db").exists()
    moved = tmp_path / "archive"
    shutil.move(str(src), str(moved))
    code, out, _ = _run(["library", "relink", "--folder", str(moved), "--json"], capsys)
    assert code == 0 and json.loads(out)["relinked"] == 1
    code, out, _ = _run(["library", "list", "--json"], capsys)
    assert json.loads(out)[0]["path"] == str(moved / "take1.mp4")
    code, out, _ = _run(["library", "list", "--kind", "audio"], capsys)
    assert out.strip() == "No media."
