"""The library database: schema, search, uniqueness, filters, corruption, scale."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qcut_ai.core.errors import LibraryError
from qcut_ai.core.media import MediaItem, MediaKind, Origin, ProbeInfo, Provenance
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.db import BUSY_TIMEOUT_MS, open_database
from qcut_ai.library.media_rows import NewMedia
from qcut_ai.library.missing_files import check_missing
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository


def _prov(request_id: str, prompt: str, model: str = "Kling 2.1") -> Provenance:
    return Provenance(
        endpoint="fal-ai/kling-video/v2.1/standard/text-to-video",
        model_id="kling-2.1",
        model_name=model,
        request_id=request_id,
        prompt=prompt,
        arguments={"prompt": prompt, "duration": "5"},
    )


def _new(
    root: Path, n: int, prompt: str, *, request_id: str | None = None, **kw: object
) -> NewMedia:
    return NewMedia(
        path=root / "media" / f"clip {n}.mp4",
        probe=ProbeInfo(kind=MediaKind.VIDEO, duration=1.0 + n, width=160, height=90),
        origin=Origin.AI,
        provenance=_prov(request_id or f"req-{n}", prompt),
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def repo(project: ProjectPaths) -> Iterator[MediaRepository]:
    db = open_project_db(project)
    yield MediaRepository(db, project.root)
    db.close()


def test_pragmas_and_migrations(project: ProjectPaths) -> None:
    db = open_project_db(project)
    try:
        conn = db.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
        assert {"media", "tag", "media_tag", "media_fts"} <= set(db.table_names())
    finally:
        db.close()
    # Re-opening applies nothing twice; another owner can add its own set.
    db = open_project_db(project)
    db.close()
    other = open_database(project.database)
    try:
        rows = other.conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'qcut_ai.library'"
        ).fetchall()
        assert rows == [
            ("0001_media",),
            ("0002_bins",),
            ("0003_comparisons",),
            ("0004_sort_indexes",),
        ]
    finally:
        other.close()


def test_a_corrupt_database_is_refused_and_backed_up(project: ProjectPaths) -> None:
    project.database.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LibraryError, match="damaged") as caught:
        open_project_db(project)
    assert "copy was saved" in caught.value.user_text()
    backups = list(project.root.glob("qcut-ai.db.corrupt-*.bak"))
    assert len(backups) == 1
    assert backups[0].read_bytes() == project.database.read_bytes()  # original untouched


def test_a_damaged_page_is_refused(project: ProjectPaths, repo: MediaRepository) -> None:
    repo.add_many([_new(project.root, i, f"prompt {i}") for i in range(200)])
    repo.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    repo.db.close()
    data = bytearray(project.database.read_bytes())
    for i in range(4096 * 2, len(data) - 4096, 3):  # scribble over pages past the header
        data[i] = 0xAB
    project.database.write_bytes(bytes(data))
    with pytest.raises(LibraryError, match="damaged"):
        open_project_db(project)
    assert list(project.root.glob("*.bak"))


def test_the_same_request_id_is_never_added_twice(
    project: ProjectPaths, repo: MediaRepository
) -> None:
    first = repo.add(_new(project.root, 1, "a red fox", request_id="abc"))
    again = repo.add(_new(project.root, 2, "something else", request_id="abc"))
    assert again.id == first.id
    assert repo.count() == 1
    assert repo.get_by_request_id("abc") == first
    # Imports have no request id: many may coexist.
    for n in range(3):
        repo.add(
            NewMedia(
                path=project.root / f"imp{n}.png",
                probe=ProbeInfo(kind=MediaKind.IMAGE, width=1, height=1),
            )
        )
    assert repo.count() == 4


def test_item_fields_round_trip(project: ProjectPaths, repo: MediaRepository) -> None:
    item = repo.add(_new(project.root, 3, "neon city at night", tags=["Night", "city", "night"]))
    assert item.path == str(project.root / "media" / "clip 3.mp4")
    assert item.kind == MediaKind.VIDEO and item.origin == Origin.AI
    assert item.model_name == "Kling 2.1"
    assert item.prompt == "neon city at night"
    assert item.provenance is not None and item.provenance.arguments["duration"] == "5"
    assert item.tags == ["Night", "city"]
    assert item.created_at.endswith("Z") and len(item.created_at) == 24
    # The provenance read back (on first use) is the one stored, and it survives
    # copies and a dump/validate round trip like any other field.
    stored = _prov("req-3", "neon city at night")
    fresh = repo.get(item.id)
    assert fresh is not None and fresh.provenance == stored
    assert fresh.model_copy(update={"rating": 2}).provenance == stored
    assert MediaItem.model_validate(fresh.model_dump()).provenance == stored
    assert MediaItem.model_validate_json(fresh.model_dump_json()).provenance == stored
    built = MediaItem(**{**fresh.model_dump(), "provenance": stored})
    assert built.provenance == stored and built.model_dump()["provenance"]["request_id"] == "req-3"
    imported = repo.add(
        NewMedia(path=project.root / "plain.png", probe=ProbeInfo(kind=MediaKind.IMAGE))
    )
    assert imported.provenance is None


def test_search_matches_words_prefixes_and_tags(
    project: ProjectPaths, repo: MediaRepository
) -> None:
    a = repo.add(_new(project.root, 1, "A dragon flying over a sci-fi city"))
    b = repo.add(_new(project.root, 2, "Rain on a neon street"))
    repo.set_tags(b.id, ["moody", "b-roll"])
    assert [i.id for i in repo.search("dragon")] == [a.id]
    assert [i.id for i in repo.search("drag")] == [a.id]  # the last word is a prefix
    assert [i.id for i in repo.search("sci-fi")] == [a.id]
    assert [i.id for i in repo.search("moody")] == [b.id]
    assert [i.id for i in repo.search("b-roll")] == [b.id]
    assert {i.id for i in repo.search("kling")} == {a.id, b.id}  # model name
    assert repo.search("dragon rain") == []  # every word must match


@pytest.mark.parametrize(
    "text",
    [
        '"unbalanced',
        'dragon"',
        "drag*",
        "*",
        "dragon AND",
        "AND",
        "OR NOT",
        "NEAR(",
        "()",
        "-",
        "'",
        "city -dragon",
        "col:dragon",
        "^dragon",
        "dragon +",
        "dragon'",
        '""',
        "\\",
        "%_",
    ],
)
def test_search_never_breaks_on_query_syntax(
    project: ProjectPaths, repo: MediaRepository, text: str
) -> None:
    repo.add(_new(project.root, 1, "A dragon flying over a city"))
    repo.search(text)  # no LibraryError / sqlite syntax error


def test_search_treats_operators_as_plain_words(
    project: ProjectPaths, repo: MediaRepository
) -> None:
    and_item = repo.add(_new(project.root, 1, "salt AND pepper"))
    repo.add(_new(project.root, 2, "salt only"))
    assert [i.id for i in repo.search('salt AND "pepper')] == [and_item.id]
    assert [i.id for i in repo.search("dragon*")] == []
    assert len(repo.search("salt*")) == 2


def test_list_filters_sorting_rating_favourite(
    project: ProjectPaths, repo: MediaRepository
) -> None:
    items = [repo.add(_new(project.root, n, f"shot {n}")) for n in range(5)]
    image = repo.add(
        NewMedia(
            path=project.root / "b.png",
            probe=ProbeInfo(kind=MediaKind.IMAGE, width=4, height=4),
            name="Alpha still",
        )
    )
    assert [i.id for i in repo.list_recent(limit=3)] == [image.id, items[4].id, items[3].id]
    assert [i.id for i in repo.list_recent(limit=2, offset=1)] == [items[4].id, items[3].id]
    assert [i.id for i in repo.list_recent(kind="image")] == [image.id]
    assert len(repo.list_recent(origin=Origin.AI)) == 5
    assert len(repo.list_recent(model="Kling 2.1")) == 5
    assert repo.list_recent(sort="name")[0].id == image.id
    assert [i.id for i in repo.list_recent(sort="duration")][:2] == [items[0].id, items[1].id]
    repo.set_rating(items[2].id, 4)
    repo.set_favourite(items[1].id, True)
    repo.set_tags(items[3].id, ["hero"])
    assert [i.id for i in repo.list_recent(min_rating=3)] == [items[2].id]
    assert [i.id for i in repo.list_recent(favourite=True)] == [items[1].id]
    assert [i.id for i in repo.list_recent(tag="HERO")] == [items[3].id]
    with pytest.raises(LibraryError, match="0 to 5"):
        repo.set_rating(items[2].id, 9)
    renamed = repo.rename(items[0].id, "  Opening   shot ")
    assert renamed.name == "Opening shot"
    assert [i.id for i in repo.search("opening")] == [items[0].id]


def test_search_takes_the_same_filters_as_listing(
    project: ProjectPaths, repo: MediaRepository
) -> None:
    shots = [repo.add(_new(project.root, n, f"harbour at dawn, take {n}")) for n in range(4)]
    other_model = repo.add(
        NewMedia(
            path=project.root / "media" / "veo.mp4",
            probe=ProbeInfo(kind=MediaKind.VIDEO, duration=0.5, width=160, height=90),
            origin=Origin.AI,
            provenance=_prov("req-veo", "harbour at dawn from above", model="Veo 3").model_copy(
                update={"endpoint": "fal-ai/veo3", "model_id": "veo3"}
            ),
        )
    )
    still = repo.add(
        NewMedia(
            path=project.root / "harbour still.png",
            probe=ProbeInfo(kind=MediaKind.IMAGE, width=4, height=4),
        )
    )
    everything = {i.id for i in [*shots, other_model, still]}
    assert {i.id for i in repo.search("harbour")} == everything
    assert [i.id for i in repo.search("harbour", kind="image")] == [still.id]
    assert [i.id for i in repo.search("harbour", kind=MediaKind.IMAGE)] == [still.id]
    assert [i.id for i in repo.search("harbour", origin=Origin.IMPORTED)] == [still.id]
    assert len(repo.search("harbour", origin="ai")) == 5
    for model in ("Veo 3", "veo3", "fal-ai/veo3"):  # name, catalogue id or endpoint
        assert [i.id for i in repo.search("harbour", model=model)] == [other_model.id]
    repo.set_tags(shots[1].id, ["Keeper"])
    repo.set_rating(shots[2].id, 5)
    repo.set_rating(shots[1].id, 3)
    repo.set_favourite(shots[3].id, True)
    assert [i.id for i in repo.search("harbour", tag="keeper")] == [shots[1].id]
    assert [i.id for i in repo.search("harbour", min_rating=4)] == [shots[2].id]
    assert {i.id for i in repo.search("harbour", min_rating=3)} == {shots[1].id, shots[2].id}
    assert [i.id for i in repo.search("harbour", favourite=True)] == [shots[3].id]
    assert len(repo.search("harbour", favourite=False)) == 5
    # Filters combine, and a filter that excludes everything gives nothing.
    assert repo.search("harbour", kind="image", origin="ai") == []
    assert [i.id for i in repo.search("harbour", tag="keeper", min_rating=3)] == [shots[1].id]
    # Sorting like list_recent, and paging.
    newest = [i.id for i in repo.search("harbour", sort="newest")]
    assert newest == [i.id for i in repo.list_recent(sort="newest")]
    assert [i.id for i in repo.search("harbour", sort="oldest")] == newest[::-1]
    assert repo.search("harbour", sort="duration")[0].id == other_model.id
    by_name = [i.name for i in repo.search("harbour", sort="name")]
    assert by_name == sorted(by_name, key=str.casefold) and by_name[-1] == "veo.mp4"
    assert [i.id for i in repo.search("harbour", 2, 1, sort="newest")] == newest[1:3]
    with pytest.raises(ValueError, match="unknown sort order"):
        repo.search("harbour", sort="loudest")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown sort order"):
        repo.list_recent(sort="rank")  # type: ignore[arg-type]


def test_search_ranks_the_best_match_first(project: ProjectPaths, repo: MediaRepository) -> None:
    strong = repo.add(_new(project.root, 1, "lighthouse, lighthouse beam, lighthouse at night"))
    weak = repo.add(
        _new(
            project.root,
            2,
            "a long slow pan across a quiet bay with boats, gulls, cliffs, fog and "
            "far away a small lighthouse",
        )
    )
    # The weak match is newer, so newest-first would put it first.
    assert [i.id for i in repo.search("lighthouse", sort="newest")] == [weak.id, strong.id]
    assert [i.id for i in repo.search("lighthouse")] == [strong.id, weak.id]
    # Equally good matches come newest first.
    twins = [repo.add(_new(project.root, 10 + n, "identical twin prompt")) for n in range(3)]
    assert [i.id for i in repo.search("twin")] == [t.id for t in reversed(twins)]


def test_a_file_is_rechecked_when_used(project: ProjectPaths, repo: MediaRepository) -> None:
    clip = project.media / "clip 1.mp4"
    clip.write_bytes(b"x")
    item = repo.add(_new(project.root, 1, "checked on use"))
    assert not repo.check_present(item.id).missing
    clip.unlink()
    assert repo.check_present(item.id).missing
    assert repo.get(item.id).missing  # type: ignore[union-attr]  # stored, for the badge
    clip.write_bytes(b"x")
    assert not repo.check_present(item.id).missing
    with pytest.raises(LibraryError, match="no media item 999"):
        repo.check_present(999)


def test_remove_forgets_the_item_and_its_tags(project: ProjectPaths, repo: MediaRepository) -> None:
    item = repo.add(_new(project.root, 1, "gone soon", tags=["temp"]))
    repo.remove(item.id)
    assert repo.get(item.id) is None
    assert repo.search("gone") == []
    assert repo.all_tags() == []
    with pytest.raises(LibraryError, match="no media item"):
        repo.remove(item.id)


WORDS = [
    "dragon",
    "neon",
    "rain",
    "city",
    "forest",
    "ocean",
    "sunset",
    "portrait",
    "robot",
    "cat",
    "dog",
    "castle",
    "desert",
    "snow",
    "mountain",
    "river",
    "night",
    "street",
    "car",
    "flying",
    "slow",
    "motion",
    "drone",
    "close-up",
    "cinematic",
    "aerial",
]


def test_ten_thousand_items_list_and_search_quickly(
    project: ProjectPaths,
    repo: MediaRepository,
    record_property: Callable[[str, object], None],
) -> None:
    rng = random.Random(7)
    rows = [
        NewMedia(
            path=project.root / "media" / f"AI clip {n}.mp4",
            probe=ProbeInfo(kind=MediaKind.VIDEO, duration=5.0, width=1280, height=720, size=n),
            origin=Origin.AI,
            provenance=_prov(f"req-{n}", " ".join(rng.choice(WORDS) for _ in range(25)) + f" w{n}"),
            created_at=f"2026-01-01T00:00:{n // 1000:02d}.{n % 1000:03d}Z",
            tags=["hero"] if n % 100 == 0 else [],
        )
        for n in range(10_000)
    ]
    start = time.perf_counter()
    assert repo.add_many(rows) == 10_000
    insert_ms = (time.perf_counter() - start) * 1000
    assert repo.count() == 10_000

    def timed(fn: Callable[[], list[MediaItem]]) -> tuple[float, list[MediaItem]]:
        """The best of five runs, in milliseconds, and the last result."""
        best = float("inf")
        result: list[MediaItem] = []
        for _ in range(5):
            t0 = time.perf_counter()
            result = fn()
            best = min(best, (time.perf_counter() - t0) * 1000)
        return best, result

    figures: dict[str, float] = {"bulk insert 10k": insert_ms}
    figures["newest 50"], newest = timed(lambda: repo.list_recent(limit=50))
    figures["search 'dragon neo' (rank)"], found = timed(lambda: repo.search("dragon neo"))
    figures["search 'dragon neo' (newest)"], found_new = timed(
        lambda: repo.search("dragon neo", sort="newest")
    )
    figures["search 'w9999'"], rare = timed(lambda: repo.search("w9999"))
    figures["search 'dragon' tag=hero"], tagged = timed(lambda: repo.search("dragon", tag="hero"))
    # Opening the project checks every file once (none exist here).
    t0 = time.perf_counter()
    assert check_missing(repo) == 10_000
    figures["check files, all newly missing"] = (time.perf_counter() - t0) * 1000

    def check_again() -> list[MediaItem]:
        assert check_missing(repo) == 10_000
        return []

    figures["check files, unchanged"], _ = timed(check_again)
    report = ", ".join(f"{name} {ms:.2f} ms" for name, ms in figures.items())
    print(f"\n10k library: {report}")
    for name, ms in figures.items():
        record_property(name, f"{ms:.2f} ms")

    assert len(newest) == 50 and newest[0].request_id == "req-9999"
    assert len(found) == 50 and len(found_new) == 50
    assert found_new[0].created_at >= found_new[-1].created_at
    assert all("dragon" in (i.prompt or "") for i in found)
    assert [i.request_id for i in rare] == ["req-9999"]
    assert tagged and all(i.tags == ["hero"] for i in tagged)


def test_lineage_links_results_to_what_they_came_from(
    project: ProjectPaths, repo: MediaRepository
) -> None:
    parent = repo.add(_new(project.root, 1, "a fox in the snow"))

    def derived(n: int, relation: str) -> NewMedia:
        new = _new(project.root, n, "a fox in the snow")
        assert new.provenance is not None
        new.provenance = new.provenance.model_copy(
            update={"parent_id": parent.id, "relation": relation}
        )
        return new

    upscale = repo.add(derived(2, "upscale_of"))
    again = repo.add(derived(3, "regenerate_of"))
    assert upscale.parent_id == parent.id
    assert upscale.provenance is not None and upscale.provenance.relation == "upscale_of"
    assert [c.id for c in repo.children(parent.id)] == [upscale.id, again.id]
    assert repo.children(upscale.id) == []
    # Forgetting the original keeps its offspring, now without a parent.
    repo.remove(parent.id)
    orphan = repo.get(upscale.id)
    assert orphan is not None and orphan.parent_id is None


def test_an_add_waits_for_another_writer_instead_of_failing(
    repo: MediaRepository, project: ProjectPaths
) -> None:
    """The job journal and the ingest worker write the same database at once."""
    import threading

    repo.add(_new(project.root, 1, "first clip"))
    locked, release = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        other = open_project_db(project)
        try:
            other.conn.execute("BEGIN IMMEDIATE")
            other.conn.execute("UPDATE media SET rating = 3")
            locked.set()
            release.wait(5)
            time.sleep(0.2)  # still holding it while the add below is under way
            other.conn.execute("COMMIT")
        finally:
            other.close()

    writer = threading.Thread(target=hold_the_write_lock)
    writer.start()
    try:
        assert locked.wait(5)
        release.set()
        added = repo.add(_new(project.root, 2, "second clip"))
    finally:
        writer.join()
    assert added.prompt == "second clip"
    assert repo.count() == 2


def _join_order(
    repo: MediaRepository, text: str, order: str, where: str = "", params: tuple[object, ...] = ()
) -> list[int]:
    """The reference: every match, through the join with `media`, ordered in SQL."""
    from qcut_ai.library.media_rows import fts_query
    from qcut_ai.library.queries import order_by

    sql = (
        "SELECT m.id FROM media_fts f JOIN media m ON m.id = f.rowid "
        f"WHERE media_fts MATCH ?{where} ORDER BY {order_by(order, searching=True)}"
    )
    return [r[0] for r in repo.db.conn.execute(sql, [fts_query(text), *params])]


def test_search_pages_match_the_joined_query(project: ProjectPaths, repo: MediaRepository) -> None:
    """Best-match ranking from the index alone gives what the join with `media` gives.

    Prompts repeat, so many matches tie on rank; dates run against the
    insertion order, so ties must be broken by date, not by id.
    """
    rng = random.Random(11)
    prompts = [
        "dragon over a harbour",
        "a dragon",
        "dragon dragon at dusk",
        "harbour lights",
        "slow dragon flight over a misty harbour at dawn",
    ]
    rows = []
    for n in range(360):
        # A run of identical matches longer than a page, unique ones, and a mix.
        prompt = f"dragon {n}" if n % 9 == 1 else "a dragon" if n % 3 == 0 else rng.choice(prompts)
        new = _new(project.root, n, prompt, tags=["keep"] if n % 4 == 0 else [])
        minute = rng.randrange(60)  # many share a date too: then the newest id first
        new.created_at = f"2026-02-01T10:{minute:02d}:00.000Z"
        rows.append(new)
    assert repo.add_many(rows) == 360
    for media_id in (3, 4, 30, 31, 200):
        repo.set_rating(media_id, 4)
    for text in ("dragon", "harbour", "drag", "dragon harbour", "dusk", "nothing"):
        for sort in ("rank", "newest"):
            reference = _join_order(repo, text, sort)
            assert [i.id for i in repo.search(text, limit=1000, sort=sort)] == reference
            for size in (1, 7, 50, 100):  # page by page, as the panel scrolls
                pages: list[int] = []
                for offset in range(0, len(reference) + size, size):
                    pages += [i.id for i in repo.search(text, size, offset, sort=sort)]
                assert pages == reference, (text, sort, size)
        # With a filter the join is needed; the answer is the same either way.
        kept = _join_order(
            repo,
            text,
            "rank",
            " AND EXISTS (SELECT 1 FROM media_tag mt JOIN tag t ON t.id = mt.tag_id "
            "WHERE mt.media_id = m.id AND t.name = ?)",
            ("keep",),
        )
        assert [i.id for i in repo.search(text, 1000, tag="keep")] == kept
        assert set(kept) <= set(_join_order(repo, text, "rank"))
        rated = _join_order(repo, text, "rank", " AND m.rating >= ?", (4,))
        assert [i.id for i in repo.search(text, 1000, min_rating=4)] == rated
