"""The Library facade: adding results, importing files, provenance, relink, removal."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qcut_ai.core.errors import MediaError
from qcut_ai.core.media import MediaKind, Origin, Provenance
from qcut_ai.library import provenance as prov_io
from qcut_ai.library.ingest import Library
from qcut_ai.library.probe import probe, sha256_file
from qcut_ai.services.paths import ProjectPaths


def _prov(request_id: str = "req-123", **kw: object) -> Provenance:
    base: dict[str, object] = {
        "endpoint": "fal-ai/veo3/fast",
        "model_id": "veo3-fast",
        "model_name": "Veo 3 Fast",
        "request_id": request_id,
        "prompt": "A paper boat drifting down a rainy street, macro lens",
        "negative_prompt": "blurry",
        "arguments": {"prompt": "A paper boat", "seed": 42, "api_key": "sk-never-store"},
        "seed": 42,
        "cost_estimate_usd": 0.4,
    }
    base.update(kw)
    return Provenance.model_validate(base)


@pytest.fixture
def library(project: ProjectPaths, thumbs: Path) -> Iterator[Library]:
    lib = Library(project, thumbs)
    yield lib
    lib.close()


def _result(media: dict[str, Path], project: ProjectPaths, key: str = "h264") -> Path:
    dest = project.media / f"AI (Veo 3 Fast) - paper boat - abc123{media[key].suffix}"
    shutil.copyfile(media[key], dest)
    return dest


def test_add_generated_records_everything(
    media: dict[str, Path], project: ProjectPaths, library: Library
) -> None:
    path = _result(media, project)
    item = library.add_generated(path, _prov())
    assert item.origin == Origin.AI and item.kind == MediaKind.VIDEO
    assert item.request_id == "req-123"
    assert item.model_name == "Veo 3 Fast" and item.model == "fal-ai/veo3/fast"
    assert item.cost_estimate_usd == 0.4
    assert item.path == str(path)
    assert item.thumbnail and Path(item.thumbnail).exists()
    assert item.filmstrip and Path(item.filmstrip).exists()
    # The hash describes the file as it is on disk now, after tagging.
    assert item.probe.sha256 == sha256_file(path)
    assert item.probe.size == path.stat().st_size
    # Provenance travels with the file: in its tags and in a sidecar...
    assert prov_io.read_embedded(path) == item.provenance
    assert prov_io.read_sidecar(path) == item.provenance
    # ...without the key, and without re-encoding the picture.
    side = prov_io.sidecar_path(path).read_text(encoding="utf-8")
    assert "sk-never-store" not in side and "api_key" not in side
    assert item.provenance is not None and item.provenance.arguments == {
        "prompt": "A paper boat",
        "seed": 42,
    }
    after = probe(path)
    assert after.video_codec == "h264" and after.has_audio and after.duration == pytest.approx(1.0)
    assert not list(project.media.glob(".*tagging*"))


def test_add_generated_twice_returns_the_same_item(
    media: dict[str, Path], project: ProjectPaths, library: Library
) -> None:
    first = library.add_generated(_result(media, project), _prov())
    again = library.add_generated(_result(media, project, "vp9"), _prov())
    assert again.id == first.id
    assert library.repo.count() == 1


@pytest.mark.parametrize("key", ["vp9", "prores", "portrait", "aac", "png", "wav"])
def test_add_generated_other_kinds(
    media: dict[str, Path], project: ProjectPaths, library: Library, key: str
) -> None:
    path = _result(media, project, key)
    item = library.add_generated(path, _prov(f"req-{key}"))
    assert item.thumbnail and Path(item.thumbnail).exists()
    assert prov_io.read(path) == item.provenance
    if key == "portrait":
        assert (item.probe.width, item.probe.height) == (90, 160)  # rotation kept by remux


def test_reimported_file_brings_its_history_back(
    media: dict[str, Path], project: ProjectPaths, thumbs: Path, tmp_path: Path
) -> None:
    with Library(project, thumbs) as lib:
        path = _result(media, project)
        original = lib.add_generated(path, _prov())
    # Another machine: a fresh project, the file copied without its sidecar.
    elsewhere = tmp_path / "copied.mp4"
    shutil.copyfile(path, elsewhere)
    other = ProjectPaths.at(tmp_path / "Other").ensure()
    with Library(other, thumbs) as lib2:
        (item,) = lib2.import_files([elsewhere])
        assert not isinstance(item, Exception)
        assert item.origin == Origin.AI
        assert item.request_id == original.request_id
        assert item.prompt == original.prompt
        assert item.provenance == original.provenance
        # Importing again does not duplicate it.
        (again,) = lib2.import_files([elsewhere])
        assert not isinstance(again, Exception) and again.id == item.id


def test_sidecar_is_used_when_the_container_has_no_tags(
    media: dict[str, Path], project: ProjectPaths, library: Library, tmp_path: Path
) -> None:
    clip = tmp_path / "plain.wav"
    shutil.copyfile(media["wav"], clip)
    prov_io.write_sidecar(clip, _prov("req-wav"))
    (item,) = library.import_files([clip])
    assert not isinstance(item, Exception)
    assert item.request_id == "req-wav" and item.kind == MediaKind.AUDIO


def test_import_keeps_going_past_broken_files(media: dict[str, Path], library: Library) -> None:
    keys = ["h264", "no_moov", "hevc", "html", "mp3", "empty", "jpg", "cut_tail", "garbage"]
    results = library.import_files([media[k] for k in keys])
    by_key = dict(zip(keys, results, strict=True))
    for good in ("h264", "hevc", "mp3", "jpg"):
        item = by_key[good]
        assert not isinstance(item, Exception), item
        assert item.origin == Origin.IMPORTED and item.provenance is None
        assert item.thumbnail and Path(item.thumbnail).exists()
    for bad in ("no_moov", "html", "empty", "cut_tail", "garbage"):
        error = by_key[bad]
        assert isinstance(error, MediaError)
        assert media[bad].name in str(error)
    assert library.repo.count() == 4


def test_relink_after_moving_the_media_folder(
    media: dict[str, Path], project: ProjectPaths, library: Library, tmp_path: Path
) -> None:
    a = library.add_generated(_result(media, project, "h264"), _prov("r1"))
    b = library.add_generated(_result(media, project, "png"), _prov("r2"))
    moved = tmp_path / "Backup" / "media-moved"
    shutil.move(str(project.media), str(moved))
    assert library.repo.check_missing() == 2
    assert all(i.missing for i in library.repo.list_recent())
    result = library.repo.relink(tmp_path / "Backup")
    assert (result.relinked, result.still_missing) == (2, 0)
    for old in (a, b):
        item = library.repo.get(old.id)
        assert item is not None and not item.missing
        assert Path(item.path).parent == moved.resolve()
        assert Path(item.path).exists()


def test_relink_falls_back_to_name_and_duration(
    media: dict[str, Path], project: ProjectPaths, library: Library, tmp_path: Path
) -> None:
    item = library.add_generated(_result(media, project, "h264"), _prov("r1"))
    name = Path(item.path).name
    Path(item.path).unlink()
    found = tmp_path / "found"
    found.mkdir()
    shutil.copyfile(media["h264"], found / name)  # same name and length, other bytes
    result = library.repo.relink(found)
    assert result.relinked == 1
    relinked = library.repo.get(item.id)
    assert relinked is not None and relinked.path == str((found / name).resolve())


def test_moved_project_folder_keeps_working(
    media: dict[str, Path], project: ProjectPaths, thumbs: Path, tmp_path: Path
) -> None:
    with Library(project, thumbs) as lib:
        lib.add_generated(_result(media, project), _prov())
    new_root = tmp_path / "Renamed Project"
    shutil.move(str(project.root), str(new_root))
    with Library(ProjectPaths.at(new_root), thumbs) as lib:
        (item,) = lib.repo.list_recent()
        assert Path(item.path).exists() and Path(item.path).is_relative_to(new_root)
        assert lib.repo.check_missing() == 0


def test_remove_with_delete_file_uses_the_trash(
    media: dict[str, Path],
    project: ProjectPaths,
    library: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    item = library.add_generated(_result(media, project), _prov())
    path = Path(item.path)
    library.repo.remove(item.id, delete_file=True)
    assert not path.exists() and not prov_io.sidecar_path(path).exists()
    trashed = list((tmp_path / "xdg" / "Trash" / "files").iterdir())
    assert {p.name for p in trashed} == {path.name, prov_io.sidecar_path(path).name}
    assert library.repo.count() == 0


def test_provenance_json_ignores_foreign_metadata(tmp_path: Path) -> None:
    assert prov_io.from_json('{"hello": 1}') is None
    assert prov_io.from_json("not json") is None
    text = prov_io.to_json(_prov())
    assert json.loads(text)["qcut_ai"] == 1
    assert prov_io.from_json(text) == _prov().model_copy(
        update={"arguments": {"prompt": "A paper boat", "seed": 42}}
    )
