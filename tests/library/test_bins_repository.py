"""Bins, colour labels and column sorting in the library database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qcut_ai.core.bins import TOP_LEVEL
from qcut_ai.core.errors import LibraryError
from qcut_ai.core.media import MediaKind, Origin, ProbeInfo, Provenance
from qcut_ai.core.media_query import MediaQuery
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.bins import (
    bin_items,
    create_bin,
    delete_bin,
    find_bin,
    list_bins,
    move_to_bin,
    rename_bin,
    set_colour,
)
from qcut_ai.library.media_rows import NewMedia
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository


def _add(repo: MediaRepository, root: Path, name: str, **probe: object) -> int:
    new = NewMedia(
        path=root / "media" / f"{name}.mp4",
        probe=ProbeInfo(kind=MediaKind.VIDEO, **probe),  # type: ignore[arg-type]
        origin=Origin.AI,
        name=name,
        provenance=Provenance(
            endpoint="fal-ai/x", model_id="x", model_name=f"Model {name}", request_id=f"r-{name}"
        ),
    )
    return repo.add(new).id


@pytest.fixture
def repo(project: ProjectPaths) -> Iterator[MediaRepository]:
    db = open_project_db(project)
    yield MediaRepository(db, project.root)
    db.close()


def test_bins_hold_items_in_order_and_deleting_one_keeps_the_media(
    repo: MediaRepository, project: ProjectPaths
) -> None:
    a, b, c = (_add(repo, project.root, n, duration=1.0) for n in ("a", "b", "c"))
    hero = create_bin(repo, "  Hero   shots ")
    assert hero.name == "Hero shots"
    move_to_bin(repo, [c, a], hero.id)
    move_to_bin(repo, [b], hero.id)
    assert [i.name for i in bin_items(repo, "hero SHOTS")] == ["c", "a", "b"]
    assert [b.count for b in list_bins(repo)] == [3]
    shown = repo.find(MediaQuery(bin=hero.id, sort="bin"))
    assert [i.name for i in shown] == ["c", "a", "b"]
    assert all(i.bin_id == hero.id for i in shown)
    assert repo.find(MediaQuery(bin=TOP_LEVEL)) == []

    ids = delete_bin(repo, hero.id)
    assert sorted(ids) == sorted([a, b, c])
    assert list_bins(repo) == [] and repo.count() == 3
    assert {i.name for i in repo.find(MediaQuery(bin=TOP_LEVEL))} == {"a", "b", "c"}


def test_bad_bin_names_get_one_sentence_and_change_nothing(repo: MediaRepository) -> None:
    made = create_bin(repo, "Selects")
    with pytest.raises(LibraryError, match="cannot be empty"):
        create_bin(repo, "   ")
    with pytest.raises(LibraryError, match="already a bin"):
        create_bin(repo, "selects")
    other = create_bin(repo, "B-roll")
    with pytest.raises(LibraryError, match="already a bin"):
        rename_bin(repo, other.id, "SELECTS")
    assert [b.name for b in list_bins(repo)] == ["B-roll", "Selects"]
    assert rename_bin(repo, made.id, "Picks").name == "Picks"
    with pytest.raises(LibraryError, match="no bin called “Nope”"):
        find_bin(repo, "Nope")


def test_colour_labels_come_from_the_palette(repo: MediaRepository, project: ProjectPaths) -> None:
    a = _add(repo, project.root, "a")
    (item,) = set_colour(repo, [a], "teal")
    assert item.colour == "Teal"
    with pytest.raises(LibraryError, match="not a colour label"):
        set_colour(repo, [a], "Mauve")
    assert repo.get(a).colour == "Teal"  # type: ignore[union-attr]
    (item,) = set_colour(repo, [a], None)
    assert item.colour is None


@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        ("resolution", False, ["small", "big", "none"]),
        ("resolution", True, ["big", "small", "none"]),
        ("fps", True, ["big", "small", "none"]),
        ("codec", False, ["big", "small", "none"]),
        ("duration", True, ["small", "big", "none"]),
        ("model", True, ["small", "none", "big"]),
    ],
)
def test_columns_sort_in_sql_with_blanks_last(
    repo: MediaRepository, project: ProjectPaths, sort: str, descending: bool, expected: list[str]
) -> None:
    _add(repo, project.root, "small", width=64, height=36, fps=30.0, video_codec="hevc", duration=9)
    _add(
        repo, project.root, "big", width=1920, height=1080, fps=60.0, video_codec="h264", duration=2
    )
    _add(repo, project.root, "none")
    shown = repo.find(MediaQuery(sort=sort, descending=descending))
    assert [i.name for i in shown] == expected
