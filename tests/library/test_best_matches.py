"""Best-match search: the newest matches ranked by relevance, then the older ones newest first."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from qcut_ai.core.media import MediaKind, Origin, ProbeInfo, Provenance
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library import best_matches, newest_matches
from qcut_ai.library.media_rows import NewMedia, fts_query
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository

PROMPTS = [
    "dragon over a harbour",
    "a dragon",
    "dragon dragon at dusk",
    "harbour lights",
    "slow dragon flight over a misty harbour at dawn",
]
_TAGGED = (
    " AND EXISTS (SELECT 1 FROM media_tag mt JOIN tag t ON t.id = mt.tag_id "
    "WHERE mt.media_id = m.id AND t.name = ?)"
)


def _clip(project: ProjectPaths, n: int, prompt: str, created_at: str, **kw: object) -> NewMedia:
    return NewMedia(
        path=project.media / f"clip {n:03d}.mp4",
        probe=ProbeInfo(kind=MediaKind.VIDEO, duration=1.0),
        origin=Origin.AI,
        provenance=Provenance(
            endpoint="fal-ai/kling-video/v2.1/standard/text-to-video",
            model_id="kling-2.1",
            model_name="Kling 2.1",
            request_id=f"req-{n}",
            prompt=prompt,
            arguments={"prompt": prompt},
        ),
        created_at=created_at,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> MediaRepository:
    """400 clips: repeated prompts (many equal scores), dates mostly as added, some not."""
    rng = random.Random(5)
    project = ProjectPaths.at(tmp_path_factory.mktemp("lib") / "P").ensure()
    repo = MediaRepository(open_project_db(project), project.root)
    rows = []
    for n in range(400):
        prompt = f"dragon {n}" if n % 9 == 1 else "a dragon" if n % 3 == 0 else rng.choice(PROMPTS)
        minute = n // 8 if rng.random() > 0.15 else rng.randrange(50)  # some imported late
        at = f"2026-02-01T10:{minute:02d}:00.000Z"  # many share a date: newest id first
        rows.append(_clip(project, n, prompt, at, tags=["keep"] if n % 4 == 0 else []))
    assert repo.add_many(rows) == 400
    return repo


def _reference(
    repo: MediaRepository, text: str, scored: int, where: str = "", params: tuple[object, ...] = ()
) -> list[int]:
    """The rule as one plain join: the newest `scored` matches (by id) by rank, then
    newest first, and the rest after them newest first."""
    sql = (
        "WITH scored AS (SELECT m.id FROM media_fts f JOIN media m ON m.id = f.rowid "
        f"WHERE media_fts MATCH ?{where} ORDER BY m.id DESC LIMIT ?) "
        "SELECT m.id FROM media_fts f JOIN media m ON m.id = f.rowid "
        f"WHERE media_fts MATCH ?{where} ORDER BY m.id NOT IN scored, "
        "CASE WHEN m.id IN scored THEN f.rank END, m.created_at DESC, m.id DESC"
    )
    match = fts_query(text)
    rows = repo.db.conn.execute(sql, [match, *params, scored, match, *params])
    return [r[0] for r in rows]


@pytest.mark.parametrize("scored", [1_000, 40, 1])
@pytest.mark.parametrize("date_all", [2_000, 30])
def test_every_page_follows_the_rule(
    repo: MediaRepository, monkeypatch: pytest.MonkeyPatch, scored: int, date_all: int
) -> None:
    """Page by page, as the panel scrolls, with no gaps or repeats across the scored edge."""
    monkeypatch.setattr(best_matches, "SCORED", scored)
    monkeypatch.setattr(newest_matches, "DATE_ALL", date_all)
    for text in ("dragon", "harbour", "drag", "dragon harbour", "dusk", "nothing"):
        reference = _reference(repo, text, scored)
        assert [i.id for i in repo.search(text, limit=1000)] == reference, text
        for size in (1, 7, 50, 100):
            pages: list[int] = []
            for offset in range(0, len(reference) + size, size):
                pages += [i.id for i in repo.search(text, size, offset)]
            assert pages == reference, (text, size)


@pytest.mark.parametrize("scored", [1_000, 25])
def test_filters_keep_the_rule_among_what_they_keep(
    repo: MediaRepository, monkeypatch: pytest.MonkeyPatch, scored: int
) -> None:
    monkeypatch.setattr(best_matches, "SCORED", scored)
    for text in ("dragon", "harbour"):
        kept = _reference(repo, text, scored, _TAGGED, ("keep",))
        assert len(kept) > scored or scored == 1_000
        assert [i.id for i in repo.search(text, 1000, tag="keep")] == kept
        pages = [
            i.id for o in range(0, len(kept), 30) for i in repo.search(text, 30, o, tag="keep")
        ]
        assert pages == kept


def test_many_matches_rank_the_newest_and_list_the_older_by_date(
    repo: MediaRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a user of a very large library sees: the newest matches, best first."""
    monkeypatch.setattr(best_matches, "SCORED", 40)
    found = [i.id for i in repo.search("dragon", limit=1000)]
    every = repo.search("dragon", limit=1000, sort="newest")
    newest_ids = sorted((i.id for i in every), reverse=True)[:40]
    assert sorted(found[:40]) == sorted(newest_ids)
    assert found[40:] == [i.id for i in every if i.id not in newest_ids]


def test_a_small_library_shows_the_strongest_match_first(tmp_path: Path) -> None:
    """Three mentions of the word, or a clip named for it, come above 300 single mentions."""
    project = ProjectPaths.at(tmp_path / "P").ensure()
    repo = MediaRepository(open_project_db(project), project.root)
    filler = "a slow flight over a misty harbour at dawn with lanterns and boats"
    rows = [
        _clip(project, n, f"{filler} and a dragon", "2026-02-01T10:00:00.000Z") for n in range(300)
    ]
    rows.insert(
        40, _clip(project, 900, f"dragon {filler} dragon and dragon", "2025-01-01T00:00:00.000Z")
    )
    rows.insert(90, _clip(project, 901, filler, "2025-01-01T00:00:00.000Z", name="dragon"))
    repo.add_many(rows)
    top = repo.search("dragon", limit=3)
    assert {(item.name, item.prompt) for item in top[:2]} == {
        ("clip 900.mp4", rows[40].provenance.prompt),  # type: ignore[union-attr]
        ("dragon", filler),
    }
    assert top[2].prompt == f"{filler} and a dragon"
