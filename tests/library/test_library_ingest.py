"""The Library facade: adding results, importing files, provenance, relink, removal."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from qcut_ai.core.errors import MediaError
from qcut_ai.core.media import MediaKind, Origin, Provenance
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library import provenance as prov_io
from qcut_ai.library.ingest import Library
from qcut_ai.library.missing_files import check_missing
from qcut_ai.library.probe import probe, sha256_file
from qcut_ai.library.relink import MissingFileError


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


def _packets(path: Path) -> list[bytes]:
    """The compressed video and audio packets, to prove a rewrite did not re-encode."""
    import av

    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux() if p.size]


def test_add_generated_records_everything(
    media: dict[str, Path], project: ProjectPaths, library: Library
) -> None:
    path = _result(media, project)
    before = _packets(path)
    item = library.add_generated(path, _prov())
    assert _packets(path) == before  # tags added by stream copy, picture untouched
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
    assert check_missing(library.repo) == 2
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
        assert check_missing(lib.repo) == 0


def test_remove_with_delete_file_uses_the_trash(
    media: dict[str, Path],
    project: ProjectPaths,
    library: Library,
    trash: Path,
) -> None:
    item = library.add_generated(_result(media, project), _prov())
    path = Path(item.path)
    library.repo.remove(item.id, delete_file=True)
    assert not path.exists() and not prov_io.sidecar_path(path).exists()
    trashed = list(trash.iterdir())
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


# kind, display size, has audio, has a filmstrip
KINDS: dict[str, tuple[MediaKind, tuple[int, int] | None, bool, bool]] = {
    "h264": (MediaKind.VIDEO, (160, 90), True, True),
    "hevc": (MediaKind.VIDEO, (160, 90), False, True),
    "vp9": (MediaKind.VIDEO, (160, 90), True, True),
    "prores": (MediaKind.VIDEO, (160, 90), False, True),
    "noaudio": (MediaKind.VIDEO, (160, 90), False, True),
    "portrait": (MediaKind.VIDEO, (90, 160), False, True),
    "aac": (MediaKind.AUDIO, None, True, False),
    "wav": (MediaKind.AUDIO, None, True, False),
    "mp3": (MediaKind.AUDIO, None, True, False),
    "png": (MediaKind.IMAGE, (160, 90), False, False),
    "jpg": (MediaKind.IMAGE, (160, 90), False, False),
}


@pytest.mark.parametrize("key", list(KINDS))
def test_every_media_kind_imports_with_a_thumbnail(
    media: dict[str, Path], library: Library, thumbs: Path, key: str
) -> None:
    kind, size, has_audio, has_strip = KINDS[key]
    item = library.import_file(media[key])
    assert item.kind == kind and item.origin == Origin.IMPORTED
    assert item.display_name == media[key].stem
    assert item.probe.has_audio is has_audio
    if size is not None:
        assert (item.probe.width, item.probe.height) == size
    if kind != MediaKind.IMAGE:
        assert item.duration == pytest.approx(1.0, abs=0.1)
    assert item.thumbnail is not None and Path(item.thumbnail).parent == thumbs
    with Image.open(item.thumbnail) as poster:
        assert poster.width == 320
        if size is not None:  # pictures keep their shape (portrait stays portrait)
            assert (poster.height > poster.width) is (size[1] > size[0])
        else:  # audio: a drawn waveform, not a blank box
            low, high = poster.convert("L").getextrema()
            assert isinstance(low, int) and isinstance(high, int)
            assert high - low > 30
    assert (item.filmstrip is not None) is has_strip
    assert library.repo.get(item.id) == item


@pytest.mark.parametrize("key", ["no_moov", "cut_tail", "html", "empty", "garbage", "cut_png"])
def test_corrupt_files_are_refused_and_leave_nothing_behind(
    media: dict[str, Path], library: Library, thumbs: Path, key: str
) -> None:
    with pytest.raises(MediaError) as caught:
        library.import_file(media[key])
    text = caught.value.user_text()
    assert media[key].name in text and text.endswith(".")
    assert caught.value.hint  # says what to do
    assert library.repo.count() == 0
    assert not thumbs.exists() or not any(thumbs.iterdir())


def test_thumbnails_come_back_when_the_cache_is_wiped(
    media: dict[str, Path], project: ProjectPaths, library: Library, thumbs: Path
) -> None:
    item = library.add_generated(_result(media, project), _prov())
    assert item.thumbnail and item.filmstrip
    shutil.rmtree(thumbs)
    again = library.refresh_thumbnails(item)
    # Same fingerprint, same files: the stored paths stay valid.
    assert (again.thumbnail, again.filmstrip) == (item.thumbnail, item.filmstrip)
    assert Path(again.thumbnail or "").exists() and Path(again.filmstrip or "").exists()
    # Cheap when nothing changed: the cached files are not redrawn.
    stamp = Path(again.thumbnail or "").stat().st_mtime_ns
    assert library.refresh_thumbnails(again) == again
    assert Path(again.thumbnail or "").stat().st_mtime_ns == stamp


def test_a_missing_file_is_flagged_when_used_not_asked_about_in_a_loop(
    media: dict[str, Path], project: ProjectPaths, library: Library
) -> None:
    item = library.add_generated(_result(media, project), _prov())
    Path(item.path).unlink()
    with pytest.raises(MissingFileError) as caught:
        library.require_file(item.id)
    assert caught.value.media_id == item.id
    assert "missing" in caught.value.user_text() and "relink" in caught.value.user_text()
    stored = library.repo.get(item.id)
    assert stored is not None and stored.missing  # the badge
    with pytest.raises(MissingFileError):
        library.refresh_thumbnails(item)
    shutil.copyfile(media["h264"], item.path)
    assert not library.require_file(item.id).missing


def test_missing_files_are_detected_when_the_library_is_opened(
    media: dict[str, Path], project: ProjectPaths, thumbs: Path
) -> None:
    with Library(project, thumbs) as lib:
        item = lib.add_generated(_result(media, project), _prov())
    Path(item.path).unlink()
    with Library(project, thumbs) as lib:
        assert lib.check_files() == 1
        (listed,) = lib.repo.list_recent()
        assert listed.missing
