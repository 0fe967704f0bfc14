"""`qcut-ai library bins|move` and `qcut-ai export --bin` through the real entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import opentimelineio as otio
import pytest

from qcut_ai import cli


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_bin_is_made_filled_listed_and_exported_in_its_order(
    media: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = str(tmp_path / "Proj")
    files = []
    for name in ("one", "two", "three"):
        files.append(tmp_path / f"{name}.mp4")
        shutil.copyfile(media["h264"], files[-1])
    code, out, err = _cli(
        capsys, "library", "import", *map(str, files), "--project", project, "--json"
    )
    assert code == 0, err
    ids = {Path(r["path"]).stem: r["id"] for r in json.loads(out)}
    assert _cli(capsys, "library", "bin-create", "Hero", "--project", project)[0] == 0
    order = [ids["three"], ids["one"]]
    code, out, err = _cli(
        capsys, "library", "move", *map(str, order), "--bin", "hero", "--project", project
    )
    assert code == 0 and "Moved 2 item(s) to bin Hero." in out, err
    code, out, _ = _cli(capsys, "library", "bins", "--project", project, "--json")
    assert json.loads(out) == [{"id": 1, "name": "Hero", "items": 2}]
    code, out, _ = _cli(
        capsys, "library", "list", "--bin", "Hero", "--sort", "bin", "--project", project, "--json"
    )
    assert [r["id"] for r in json.loads(out)] == order

    target = tmp_path / "hero.otio"
    code, out, err = _cli(
        capsys, "export", "--project", project, "--bin", "Hero", "--out", str(target)
    )
    assert code == 0, err
    back = otio.adapters.read_from_file(str(target))
    video = back.video_tracks()[0]
    assert [Path(c.media_reference.target_url).stem for c in video.find_clips()] == [
        "three",
        "one",
    ]

    # Deleting the bin keeps every clip; exporting a bin that is gone says so in one line.
    code, out, _ = _cli(capsys, "library", "bin-delete", "Hero", "--project", project)
    assert code == 0 and "2 item(s) are back at the top level" in out
    code, out, _ = _cli(capsys, "library", "list", "--project", project, "--json")
    assert len(json.loads(out)) == 3
    code, _, err = _cli(
        capsys, "export", "--project", project, "--bin", "Hero", "--out", str(target)
    )
    assert code != 0 and "no bin called “Hero”" in err and len(err.strip().splitlines()) == 1
