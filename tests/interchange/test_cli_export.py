"""`qcut-ai export` as a script or a person uses it."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest

from qcut_ai.cli import main
from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_ids_to_fcp7_with_json(
    clips: list[MediaItem],
    project: ProjectPaths,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "for-premiere.xml"
    ids = ",".join(str(i.id) for i in reversed(clips))
    code, stdout, err = _cli(
        capsys,
        "export",
        "--project",
        str(project.root),
        "--ids",
        ids,
        "--format",
        "fcp7",
        "--out",
        str(out),
        "--json",
    )
    assert code == 0, err
    result = json.loads(stdout)
    assert result["path"] == str(out) and result["format"] == "fcp7" and result["clips"] == 3
    back = otio.adapters.read_from_file(str(out), adapter_name="fcp_xml")
    assert [c.name for c in back.find_clips()] == [i.display_name for i in reversed(clips)]


def test_the_kdenlive_export_keeps_stdout_to_the_json(
    clips: list[MediaItem],
    project: ProjectPaths,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The adapter prints a deprecation banner; a script reading --json must not see it.
    out = tmp_path / "cut.kdenlive"
    code, stdout, err = _cli(
        capsys,
        "export",
        "--project",
        str(project.root),
        "--ids",
        str(clips[0].id),
        "--out",
        str(out),
        "--json",
    )
    assert code == 0, err
    assert json.loads(stdout)["format"] == "kdenlive"  # also: the format came from the suffix


def test_a_timeline_file_is_re_exported_to_another_format(
    clips: list[MediaItem],
    project: ProjectPaths,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    timeline = tmp_path / "demo.otio"
    ids = ",".join(str(i.id) for i in clips)
    code, _, err = _cli(
        capsys, "export", "--project", str(project.root), "--ids", ids, "--out", str(timeline)
    )
    assert code == 0, err
    edl = tmp_path / "demo.edl"
    code, stdout, err = _cli(
        capsys,
        "export",
        "--project",
        str(project.root),
        "--timeline",
        str(timeline),
        "--format",
        "edl",
        "--out",
        str(edl),
    )
    assert code == 0, err
    assert stdout.startswith(f"Wrote {edl} (CMX 3600 EDL, 3 clip(s), ")
    # Reels are reported on stderr, one line per clip.
    assert len([line for line in err.splitlines() if "reel" in line]) == 3
    back = otio.adapters.read_from_file(str(edl), adapter_name="cmx_3600", rate=24)
    assert [c.name for c in back.find_clips()] == [i.display_name for i in clips]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--bin", "Hero shots", "--out", "x.otio"],
            "There is no bin called “Hero shots” in this library",
        ),
        (["--ids", "1,999", "--out", "x.otio"], "There is no media item 999 in this library."),
        (["--ids", "one", "--out", "x.otio"], "--ids takes item numbers separated by commas"),
        (["--ids", "1", "--out", "x.mov"], "Say which file to write with --format"),
        (
            ["--ids", "1", "--format", "edl", "--as-bin", "--out", "x.edl"],
            "CMX 3600 EDL holds timelines, not bins of clips.",
        ),
    ],
)
def test_what_cannot_be_done_is_one_line_on_stderr(
    clips: list[MediaItem],
    project: ProjectPaths,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    args = [a if a != args[-1] else str(tmp_path / a) for a in args]
    code, stdout, err = _cli(capsys, "export", "--project", str(project.root), *args)
    assert code == 2 and stdout == ""
    assert len(err.strip().splitlines()) == 1 and message in err
    assert not list(tmp_path.glob("x.*"))
