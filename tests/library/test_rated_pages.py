"""A rating floor listed by date gives the rows a full sort would, page after page."""

from __future__ import annotations

import random

import pytest

from qcut_ai.core.media import MediaKind, ProbeInfo
from qcut_ai.core.media_query import MediaQuery
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.media_rows import NewMedia
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> MediaRepository:
    rng = random.Random(3)
    project = ProjectPaths.at(tmp_path_factory.mktemp("rated") / "P").ensure()
    db = open_project_db(project)
    repo = MediaRepository(db, project.root)
    added = repo.add_many(
        [
            NewMedia(
                path=project.media / f"clip {n:03d}.mp4",
                probe=ProbeInfo(kind=MediaKind.VIDEO if n % 4 else MediaKind.IMAGE),
                created_at=f"2026-05-01T10:{rng.randrange(60):02d}:00.000Z",  # many ties
            )
            for n in range(400)
        ]
    )
    assert added == 400
    with db.conn:
        db.conn.executemany(
            "UPDATE media SET rating = ? WHERE id = ?",
            [(rng.choice([0, 0, 0, 1, 2, 3, 4, 5]), i) for i in range(1, 401)],
        )
    return repo


def _expected(repo: MediaRepository, floor: int, oldest: bool, kind: str | None) -> list[int]:
    way = "ASC" if oldest else "DESC"
    extra = " AND kind = ?" if kind else ""
    rows = repo.db.conn.execute(
        f"SELECT id FROM media WHERE rating >= ?{extra} ORDER BY created_at {way}, id {way}",
        [floor, *([kind] if kind else [])],
    )
    return [r[0] for r in rows]


@pytest.mark.parametrize("floor", [1, 3, 5, 6])
@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("kind", [None, "video"])
def test_pages_by_offset_and_after_the_last_row(
    repo: MediaRepository, floor: int, sort: str, kind: str | None
) -> None:
    expected = _expected(repo, floor, sort == "oldest", kind)
    query = MediaQuery(min_rating=floor, sort=sort, kind=kind, limit=30)  # type: ignore[arg-type]
    by_offset = [i.id for o in range(0, 420, 30) for i in repo.find(query, o)]
    assert by_offset == expected
    pages: list[int] = []
    page = repo.find(query)
    while page:
        pages += [i.id for i in page]
        page = repo.find(query, 0, page[-1])
    assert pages == expected
