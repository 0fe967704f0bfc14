"""Search pages by date are exactly what sorting every match gives, however dates and ids relate."""

from __future__ import annotations

import random

import pytest

from qcut_ai.core.media import MediaKind, ProbeInfo
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library import newest_matches
from qcut_ai.library.media_rows import NewMedia
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository

WORDS = ["dragon", "lantern", "harbour", "meadow", "comet"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> MediaRepository:
    """600 clips: mostly dated as added, some imported with old dates, many sharing a second."""
    rng = random.Random(7)
    project = ProjectPaths.at(tmp_path_factory.mktemp("lib") / "P").ensure()
    db = open_project_db(project)
    items = []
    for n in range(600):
        second = n // 3 if rng.random() > 0.1 else rng.randrange(0, 200)  # 10 % out of order
        words = " ".join(rng.sample(WORDS, rng.randint(1, 3)))
        items.append(
            NewMedia(
                path=project.media / f"clip {n:03d}.mp4",
                probe=ProbeInfo(kind=MediaKind.VIDEO, duration=1.0),
                name=f"{words} take {n}",
                created_at=f"2026-05-01T{second // 3600:02d}:{second // 60 % 60:02d}:"
                f"{second % 60:02d}.000Z",
            )
        )
    MediaRepository(db, project.root).add_many(items)
    return MediaRepository(db, project.root)


def _sorted_every_match(repo: MediaRepository, word: str, oldest: bool) -> list[int]:
    way = "ASC" if oldest else "DESC"
    rows = repo.db.conn.execute(
        "SELECT m.id FROM media_fts f JOIN media m ON m.id = f.rowid WHERE media_fts MATCH ? "
        f"ORDER BY m.created_at {way}, m.id {way}",
        [word],
    )
    return [r[0] for r in rows]


@pytest.mark.parametrize("date_all", [2_000, 30])  # every match dated / newest ids first
@pytest.mark.parametrize("oldest", [False, True])
@pytest.mark.parametrize("below", [None, 500])  # all matches / those with lower ids
def test_each_page_matches_the_full_sort(
    repo: MediaRepository,
    monkeypatch: pytest.MonkeyPatch,
    date_all: int,
    oldest: bool,
    below: int | None,
) -> None:
    monkeypatch.setattr(newest_matches, "DATE_ALL", date_all)
    for word in ("dragon", "comet lantern", "harb*"):
        expected = [i for i in _sorted_every_match(repo, word, oldest) if i < (below or 10**6)]
        assert len(expected) > 60
        for offset, limit in ((0, 25), (25, 25), (90, 40), (len(expected) - 5, 25)):
            got = newest_matches.dated_ids(
                repo.db.conn, word, limit, offset, oldest=oldest, below=below
            )
            assert got == expected[offset : offset + limit], (word, offset)


def test_dates_that_do_not_follow_ids_fall_back_to_sorting_every_match(
    repo: MediaRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(newest_matches, "DATE_ALL", 30)
    monkeypatch.setattr(newest_matches, "_CHECK_MAX", 0)
    expected = _sorted_every_match(repo, "dragon", False)
    assert newest_matches.dated_ids(repo.db.conn, "dragon", 25, 10) == expected[10:35]
    lower = [i for i in expected if i < 300]
    assert newest_matches.dated_ids(repo.db.conn, "dragon", 25, 10, below=300) == lower[10:35]
    oldest = [i for i in _sorted_every_match(repo, "dragon", True) if i < 300]
    got = newest_matches.dated_ids(repo.db.conn, "dragon", 25, 10, oldest=True, below=300)
    assert got == oldest[10:35]


def test_the_repository_search_by_date_uses_it_and_agrees(
    repo: MediaRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(newest_matches, "DATE_ALL", 30)
    expected = _sorted_every_match(repo, "meadow", False)[:50]
    assert [i.id for i in repo.search("meadow", sort="newest")] == expected
