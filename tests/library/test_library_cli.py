"""`qcut-ai library …` end to end, through the real `qcut-ai` entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from qcut_ai import cli
from qcut_ai.core.media import Provenance
from qcut_ai.library import provenance as prov_io


class Cli:
    """Runs `qcut-ai` in-process and returns (exit code, stdout, stderr)."""

    def __init__(self, capsys: pytest.CaptureFixture[str], project: Path | None) -> None:
        self.capsys = capsys
        self.project = project

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        extra = ["--project", str(self.project)] if self.project is not None else []
        self.capsys.readouterr()
        code = cli.main(["library", *argv, *extra])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *argv: str) -> Any:
        code, out, err = self(*argv, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys, tmp_path / "Proj")


def _ai_copy(media: dict[str, Path], folder: Path, request_id: str, prompt: str) -> Path:
    """A generated result as it arrives from another machine: file plus sidecar."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"AI (Kling 2.1) - {prompt[:20]} - {request_id}.mp4"
    shutil.copyfile(media["h264"], path)
    prov_io.write_sidecar(
        path,
        Provenance(
            endpoint="fal-ai/kling-video/v2.1/standard/text-to-video",
            model_id="kling-2.1",
            model_name="Kling 2.1",
            request_id=request_id,
            prompt=prompt,
            seed=7,
        ),
    )
    return path


def test_import_reports_each_file_and_refuses_broken_ones(media: dict[str, Path], run: Cli) -> None:
    code, out, _ = run(
        "import", str(media["h264"]), str(media["html"]), str(media["png"]), "--json"
    )
    assert code == 2  # one file was refused
    rows = json.loads(out)
    assert [("error" in r) for r in rows] == [False, True, False]
    assert "web page" in rows[1]["error"] and rows[1]["path"] == str(media["html"])
    assert rows[0]["kind"] == "video" and rows[2]["kind"] == "image"
    assert rows[0]["display_name"] == "h264"
    # Text mode: the refusal goes to stderr as one line, the rest is a table.
    code, out, err = run("import", str(media["cut_tail"]), str(media["wav"]))
    assert code == 2
    assert err.startswith("qcut-ai: ") and "cut_tail.mp4" in err and len(err.splitlines()) == 1
    assert "tone" in out and "audio" in out
    assert len(run.json("list")) == 3


def test_list_and_search_with_filters(
    media: dict[str, Path], run: Cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dragon = _ai_copy(media, tmp_path / "in", "req-dragon", "a dragon over the harbour")
    boat = _ai_copy(media, tmp_path / "in", "req-boat", "a paper boat in the harbour rain")
    rows = run.json("import", str(dragon), str(boat), str(media["png"]), str(media["mp3"]))
    ids = {Path(r["path"]).name: r["id"] for r in rows}
    assert rows[0]["display_name"] == "AI (Kling 2.1): a dragon over the harbour"

    code, out, _ = run("list")
    assert code == 0
    header, *lines = out.splitlines()
    assert header.split()[:3] == ["ID", "KIND", "LENGTH"]
    assert any("AI (Kling 2.1): a paper boat in the harbour rain" in line for line in lines)
    assert any(line.rstrip().endswith("still") for line in lines)

    assert [r["kind"] for r in run.json("list", "--kind", "audio")] == ["audio"]
    assert len(run.json("list", "--origin", "ai")) == 2
    assert len(run.json("list", "--model", "Kling 2.1")) == 2
    assert len(run.json("list", "--limit", "1", "--offset", "1")) == 1
    names = [r["name"] for r in run.json("list", "--sort", "name")]
    assert names == sorted(names, key=str.casefold)

    found = run.json("search", "harbour")
    assert {r["id"] for r in found} == {ids[dragon.name], ids[boat.name]}
    assert [r["id"] for r in run.json("search", "harb", "--kind", "image")] == []
    assert [r["id"] for r in run.json("search", "kling", "--sort", "oldest")] == [
        ids[dragon.name],
        ids[boat.name],
    ]
    code, out, _ = run("search", "dragon")
    assert code == 0 and "AI (Kling 2.1): a dragon over the harbour" in out
    code, out, _ = run("search", "nothing-like-this")
    assert code == 0 and out.strip() == "No media."

    # Rating, favourites and tags are set through the repository (the app's
    # menus); the CLI filters by them.
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.library.project_db import open_project_db
    from qcut_ai.library.repository import MediaRepository

    project = ProjectPaths.at(tmp_path / "Proj")
    db = open_project_db(project)
    try:
        repo = MediaRepository(db, project.root)
        repo.set_rating(ids[boat.name], 4)
        repo.set_favourite(ids[dragon.name], True)
        repo.set_tags(ids[dragon.name], ["keeper"])
    finally:
        db.close()
    assert [r["id"] for r in run.json("list", "--min-rating", "4")] == [ids[boat.name]]
    assert [r["id"] for r in run.json("search", "harbour", "--favourite")] == [ids[dragon.name]]
    assert [r["id"] for r in run.json("search", "harbour", "--tag", "KEEPER")] == [ids[dragon.name]]
    with pytest.raises(SystemExit) as refused:  # argparse's usage error
        run("list", "--min-rating", "9")
    assert refused.value.code == 2


def test_info_shows_provenance_and_flags_a_missing_file(
    media: dict[str, Path], run: Cli, tmp_path: Path
) -> None:
    clip = _ai_copy(media, tmp_path / "in", "req-info", "a lantern festival")
    (row,) = run.json("import", str(clip))
    info = run.json("info", str(row["id"]))
    assert info["provenance"]["request_id"] == "req-info" and info["provenance"]["seed"] == 7
    assert info["width"] == 160 and info["missing"] is False
    assert info["children"] == [] and info["parent_id"] is None
    code, out, _ = run("info", str(row["id"]))
    assert code == 0 and "a lantern festival" in out and "req-info" in out

    clip.unlink()  # gone: using the item notices at once
    assert run.json("info", str(row["id"]))["missing"] is True
    code, out, _ = run("list")
    assert "! AI (Kling 2.1): a lantern festival" in out and "relink" in out

    code, _, err = run("info", "999")
    assert code == 2 and "no media item 999" in err


def test_relink_after_moving_the_media_folder_elsewhere(
    media: dict[str, Path], run: Cli, tmp_path: Path
) -> None:
    first = _ai_copy(media, tmp_path / "Proj" / "media", "req-1", "first shot")
    second = tmp_path / "Proj" / "media" / "b-roll" / "street.wav"
    second.parent.mkdir()
    shutil.copyfile(media["wav"], second)
    rows = run.json("import", str(first), str(second))
    assert all("error" not in r for r in rows)
    # The whole media folder goes to an external drive, one level deeper.
    drive = tmp_path / "Drive"
    drive.mkdir()
    shutil.move(str(tmp_path / "Proj" / "media"), str(drive / "old-media"))
    assert all(r["missing"] for r in run.json("list"))

    code, _, err = run("relink", "--folder", str(tmp_path / "nowhere"))
    assert code == 2 and "is not a folder" in err
    (tmp_path / "empty").mkdir()
    code, out, _ = run("relink", "--folder", str(tmp_path / "empty"))
    assert code == 1 and "Relinked 0 item(s); 2 still missing" in out

    # Sidecars are not candidates: two files scanned.
    assert run.json("relink", "--folder", str(drive)) == {
        "relinked": 2,
        "still_missing": 0,
        "scanned": 2,
    }
    listed = {Path(r["path"]).name: r for r in run.json("list")}
    assert listed[first.name]["path"] == str(drive / "old-media" / first.name)
    assert listed["street.wav"]["path"] == str(drive / "old-media" / "b-roll" / "street.wav")
    assert not any(r["missing"] for r in listed.values())
    code, out, _ = run("relink", "--folder", str(drive))
    assert code == 0 and "Relinked 0 item(s); 0 still missing" in out


def test_remove_forgets_or_trashes(
    media: dict[str, Path],
    run: Cli,
    tmp_path: Path,
    trash: Path,
) -> None:
    keep = tmp_path / "in" / "keep.mp4"
    unwanted = tmp_path / "in" / "unwanted.mp4"
    keep.parent.mkdir()
    shutil.copyfile(media["h264"], keep)
    shutil.copyfile(media["noaudio"], unwanted)
    ids = [r["id"] for r in run.json("import", str(keep), str(unwanted))]
    code, out, _ = run("remove", str(ids[0]))
    assert code == 0 and out.strip() == f"Removed item {ids[0]}."
    assert keep.exists()  # only forgotten
    assert run.json("remove", str(ids[1]), "--delete-file") == {
        "removed": ids[1],
        "file_deleted": True,
    }
    assert not unwanted.exists()
    assert [p.name for p in trash.iterdir()] == ["unwanted.mp4"]
    assert run.json("list") == []
    code, _, err = run("remove", str(ids[0]))
    assert code == 2 and "no media item" in err


def test_default_project_and_thumbnail_cache_location(
    media: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Cli(capsys, None)
    (row,) = run.json("import", str(media["vp9"]))
    home = tmp_path / "qcut-home"  # QCUT_AI_HOME, set for every test
    assert (home / "data" / "projects" / "Default" / "qcut-ai.db").exists()
    assert Path(row["thumbnail"]).parent == home / "cache" / "thumbnails"
    assert Path(row["filmstrip"]).parent == home / "cache" / "thumbnails"
    assert [r["id"] for r in run.json("list")] == [row["id"]]
