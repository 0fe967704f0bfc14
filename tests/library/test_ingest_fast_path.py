"""A new result is usable as soon as its poster exists; tags, hash and filmstrip follow.

Also the header-only checks that make that fast: the display rotation read
from the MP4 track header, and completeness read from the sample index.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from qcut_ai.core.errors import MediaError
from qcut_ai.core.media import Provenance
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library import provenance as prov_io
from qcut_ai.library.ingest import Library
from qcut_ai.library.mp4_boxes import display_rotation
from qcut_ai.library.probe import probe, sha256_file, verify_media


def _prov(request_id: str) -> Provenance:
    return Provenance(
        endpoint="fal-ai/veo3/fast",
        model_id="veo3-fast",
        model_name="Veo 3 Fast",
        request_id=request_id,
        prompt="a lighthouse in a storm",
    )


@pytest.fixture
def library(project: ProjectPaths, thumbs: Path) -> Iterator[Library]:
    lib = Library(project, thumbs)
    yield lib
    lib.close()


def _copy(media: dict[str, Path], project: ProjectPaths, key: str) -> Path:
    dest = project.media / f"{key}-result{media[key].suffix}"
    shutil.copyfile(media[key], dest)
    return dest


@pytest.mark.parametrize("key", ["h264", "portrait", "portrait_cw", "prores", "longgop"])
def test_the_header_rotation_matches_the_decoded_frame(media: dict[str, Path], key: str) -> None:
    decoded = probe(media[key], with_hash=False)  # rotation from a decoded frame
    assert display_rotation(media[key]) == decoded.rotation
    fast = verify_media(media[key], decode=False)
    assert (fast.width, fast.height, fast.rotation) == (
        decoded.width,
        decoded.height,
        decoded.rotation,
    )


def test_containers_without_a_track_header_fall_back_to_decoding(
    media: dict[str, Path],
) -> None:
    assert display_rotation(media["vp9"]) is None
    assert display_rotation(media["garbage"]) is None
    assert verify_media(media["vp9"], decode=False).rotation == 0


@pytest.mark.parametrize("key", ["no_moov", "cut_tail", "html", "empty", "garbage"])
def test_the_quick_check_still_refuses_broken_downloads(media: dict[str, Path], key: str) -> None:
    with pytest.raises(MediaError):
        verify_media(media[key], decode=False)


def test_a_new_result_is_listed_before_its_tags_hash_and_filmstrip(
    media: dict[str, Path], project: ProjectPaths, library: Library
) -> None:
    path = _copy(media, project, "h264")
    info = verify_media(path, decode=False)
    item = library.add_generated(path, _prov("req-fast"), info, finish=False)
    # Usable at once: in the library with its poster and provenance...
    assert library.repo.get(item.id) is not None
    assert item.thumbnail and Path(item.thumbnail).is_file()
    assert item.provenance is not None and item.provenance.prompt == "a lighthouse in a storm"
    assert prov_io.read_sidecar(path) is not None
    # ...while the slow parts are still to come.
    assert item.filmstrip is None and item.probe.sha256 == ""
    assert prov_io.read_embedded(path) is None

    finished = library.finish_generated(item)
    assert prov_io.read_embedded(path) is not None
    assert finished.probe.sha256 == sha256_file(path)  # taken after the tags rewrote it
    assert finished.probe.size == path.stat().st_size
    assert finished.filmstrip and Path(finished.filmstrip).is_file()
    with Image.open(finished.filmstrip) as strip:
        assert strip.width > strip.height * 5  # ten frames side by side
    assert finished.thumbnail and Path(finished.thumbnail).is_file()
    assert library.repo.get(item.id) == finished
    # Calling it again changes nothing.
    assert library.finish_generated(finished) == finished


def test_items_a_crash_left_unfinished_are_finished_on_the_next_open(
    media: dict[str, Path], project: ProjectPaths, thumbs: Path
) -> None:
    with Library(project, thumbs) as lib:
        first = lib.add_generated(_copy(media, project, "h264"), _prov("r1"), finish=False)
        done = lib.add_generated(_copy(media, project, "noaudio"), _prov("r2"))
    with Library(project, thumbs) as lib:
        finished = lib.finish_pending()
        assert [i.id for i in finished] == [first.id]
        assert finished[0].probe.sha256 and finished[0].filmstrip
        assert lib.repo.get(done.id) == done  # the finished one is left alone
        assert lib.finish_pending() == []
