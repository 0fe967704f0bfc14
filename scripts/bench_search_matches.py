"""Search cost by match count: one page of 100, newest first and best match.

A library of 6,000 generated clips (600 with --smoke) holds words matched by
100 to 5,000 of them, spread evenly over the library. For each word: the
panel's page of 100 newest first with its rows (`run_query`, as the long
session times it), its ids alone (`newest_matches.dated_ids`), the same
page with every match dated (the rule before `DATE_ALL` was lowered), and the
best-match page (`best_matches.ranked_ids`), against the plain join that
sorts every match by date on the same connection (the baseline). The steps
alternate so that machine noise hits them alike. This is the library search
of the long session (bench_soak.py), whose word is in every generated clip.

    .venv/bin/python scripts/bench_search_matches.py [--smoke] [--json out.json]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc

COUNTS = (100, 200, 400, 700, 1_000, 2_000, 3_000, 5_000)
_JOIN = (
    "SELECT m.id FROM media_fts f JOIN media m ON m.id = f.rowid WHERE media_fts MATCH ? "
    "ORDER BY m.created_at DESC, m.id DESC LIMIT 100"
)


def _word(count: int) -> str:
    # Digits as letters, and an end letter so that no word is a prefix of another.
    return "w" + "".join(chr(ord("a") + int(d)) for d in str(count)) + "z"


def build(root: Path, size: int, counts: tuple[int, ...]) -> Any:
    from qcut_ai.core.media import MediaKind, Origin, ProbeInfo, Provenance
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.library.media_rows import NewMedia
    from qcut_ai.library.project_db import open_project_db
    from qcut_ai.library.repository import MediaRepository

    project = ProjectPaths.at(root / "P").ensure()
    db = open_project_db(project)
    rows = []
    for n in range(size):
        # Item n holds the word of each count whose even spread puts a match here.
        words = [_word(k) for k in counts if (n * k) // size != ((n + 1) * k) // size]
        prompt = " ".join([bc.PROMPT, *words])
        rows.append(
            NewMedia(
                path=project.media / f"clip {n:05d}.mp4",
                probe=ProbeInfo(kind=MediaKind.VIDEO, duration=1.0),
                origin=Origin.AI,
                provenance=Provenance(
                    endpoint="fal-ai/x",
                    model_id="x",
                    model_name="X",
                    request_id=f"req-{n}",
                    prompt=prompt,
                    arguments={"prompt": prompt},
                ),
                created_at=time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1.7e9 + n)) + ".000Z",
            )
        )
    MediaRepository(db, project.root).add_many(rows)
    return db


def timed(fn: Callable[[], object]) -> Callable[[], float]:
    def step() -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    return step


def main(argv: list[str] | None = None) -> int:
    from qcut_ai.core.media_query import MediaQuery
    from qcut_ai.jobs.library_queries import run_query
    from qcut_ai.library import best_matches, newest_matches
    from qcut_ai.library.repository import MediaRepository

    args = bc.parser(__doc__ or "").parse_args(argv)
    size, runs = (600, 3) if args.smoke else (6_000, 31)
    counts = tuple(c * size // 6_000 for c in COUNTS)
    results: dict[str, Any] = {}
    rows: list[tuple[str, str, str, str]] = []
    threshold = newest_matches.DATE_ALL
    with bc.scratch_dir("search-matches") as tmp:
        db = build(Path(tmp), size, counts)
        conn = db.conn
        repo = MediaRepository(db)

        def dated_all(match: str) -> None:
            newest_matches.DATE_ALL = size  # every match dated, as before
            try:
                newest_matches.dated_ids(conn, match, 100)
            finally:
                newest_matches.DATE_ALL = threshold

        for count in counts:
            match = f'"{_word(count)}"*'  # as the search box sends a word
            found = conn.execute(
                "SELECT count(*) FROM media_fts WHERE media_fts MATCH ?", [match]
            ).fetchone()[0]
            query = MediaQuery(text=_word(count))
            steps = [
                timed(lambda q=query: run_query(repo, q)),
                timed(lambda m=match: newest_matches.dated_ids(conn, m, 100)),
                timed(lambda m=match: dated_all(m)),
                timed(lambda m=match: best_matches.ranked_ids(conn, m, 100)),
                timed(lambda m=match: conn.execute(_JOIN, [m]).fetchall()),
            ]
            for step in steps:
                step()  # warm the statements and pages
            samples = bc.interleave(runs, *steps)
            panel, newest, every, ranked, join = (statistics.median(s) * 1000 for s in samples)
            results[str(count)] = {
                "matches": found,
                "panel_newest_ms": panel,
                "newest_ms": newest,
                "newest_dating_every_match_ms": every,
                "best_match_ms": ranked,
                "join_ms": join,
            }
            for key, value in (
                ("the panel's page, newest first", panel),
                ("newest", newest),
                ("newest, dating every match", every),
                ("best match", ranked),
            ):
                name = f"{found} matches: {key}"
                rows.append((name, f"{value:.3f}", f"{join:.3f}", f"{value / join:.2f}"))
        db.close()
    # The long session's search: after its first 100 jobs and after 1,000.
    first, late, last = (results[str(c)] for c in (counts[0], counts[4], counts[-1]))
    growth = late["panel_newest_ms"] / first["panel_newest_ms"]
    bc.report(
        "search_matches",
        args,
        params={"library_items": size, "runs": runs, "date_all": threshold, "page": 100},
        results=results,
        ratios={
            "panel_newest_1000_vs_100_matches": growth,
            "newest_vs_join_at_5000_matches": last["newest_ms"] / last["join_ms"],
        },
        targets={"panel_newest_flat_100_to_1000_matches": bc.target(growth, 1.1)},
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
