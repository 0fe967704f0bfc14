"""Library scale benchmark: 10,000, 100,000 and 1,000,000 items.

For each size the project's library (MediaRepository over its real schema)
and a minimal baseline (the reference recipe: one table with a created_at
index and an external-content FTS5 index, raw sqlite3) hold the same rows.
Measured: bulk add, single add, search, the page query, the search as the
panel runs it (on its query worker's kept connection, one page, in the filter
bar's default order and in "Best match" order, and the best-match page after
the matches it ranks by relevance), and, each in a fresh process,
the grid's first painted screen and its memory: the project's LibraryService,
MediaListModel and LibraryView against a QListView over a minimal
QAbstractListModel with uniform sizes and lazy thumbnails.

Above 100,000 items (above 500 with --smoke) both libraries are built once
with bulk SQL and cached (bench_library_data.py), and bulk add is not measured.

    .venv/bin/python scripts/bench_library.py [--smoke] [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc
import bench_library_data as data

THUMBS = 500  # distinct poster files
# Larger libraries are built once with bulk SQL and cached (bench_library_data.py);
# up to this size the project's own bulk add is measured too.
BULK_ADD_MAX = 100_000
BASE_SEARCH = (
    "SELECT m.* FROM media_fts f JOIN media m ON m.id = f.rowid WHERE media_fts MATCH ? "
    "ORDER BY m.created_at DESC LIMIT ?"
)
BASE_RANKED = (
    "SELECT m.* FROM media_fts f JOIN media m ON m.id = f.rowid WHERE media_fts MATCH ? "
    "ORDER BY f.rank LIMIT ?"
)
BASE_RANKED_AT = BASE_RANKED + " OFFSET ?"
BASE_PAGE = "SELECT * FROM media ORDER BY created_at DESC LIMIT ?"


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm the statement cache and the pages
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return bc.stats_ms(samples)["median"]


def measure_db(
    n: int, thumbs: list[Path], root: Path, cache: Path, runs: int, bulk_max: int
) -> dict[str, Any]:
    from qcut_ai.core.media_query import MediaQuery
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.jobs.library_queries import PAGE_SIZE, QueryConnection, run_query
    from qcut_ai.library import best_matches
    from qcut_ai.library.project_db import open_project_db
    from qcut_ai.library.repository import MediaRepository

    project = ProjectPaths.at(root / f"project_{n}").ensure()
    base_path = root / f"baseline_{n}.db"
    bulk: dict[str, float] = {}
    if n <= bulk_max:
        rows = bc.library_rows(n, thumbs, project.root)
        db = open_project_db(project)
        repo = MediaRepository(db, project.root)
        news = [bc.new_media(r) for r in rows]
        start = time.perf_counter()
        assert repo.add_many(news) == n
        p_bulk = time.perf_counter() - start
        del news
        base = data.create_baseline(base_path)
        start = time.perf_counter()
        base.execute("BEGIN")
        base.executemany(data.BASE_INSERT, [data.baseline_values(r) for r in rows])
        base.execute("INSERT INTO media_fts(media_fts) VALUES ('rebuild')")
        base.execute("COMMIT")
        b_bulk = time.perf_counter() - start
        base.execute(data.BASE_TRIGGER)
        bulk = {"project": n / p_bulk, "baseline": n / b_bulk}
        first_row = rows[0]
        del rows
    else:
        home = data.cached_library(cache, n, thumbs)
        data.copy_database(ProjectPaths.at(home / "project").database, project.database)
        data.copy_database(home / "baseline.db", base_path)
        db = open_project_db(project)
        repo = MediaRepository(db, project.root)
        base = sqlite3.connect(str(base_path), isolation_level=None)
        base.execute("PRAGMA synchronous=NORMAL")
        first_row = next(data.rows(1, thumbs, home / "media"))
    base_row = data.baseline_values(first_row)

    counter = iter(range(n, n + 10 * runs + 10))

    def p_add() -> None:
        i = next(counter)
        repo.add(bc.new_media({**first_row, "i": i, "path": first_row["path"] + f".{i}.mp4"}))

    def b_add() -> None:
        base.execute(data.BASE_INSERT, base_row)

    # What the panel's query worker does for each search keystroke: the filter
    # bar's query (newest first by default) for one page, on the connection it keeps.
    connection = QueryConnection()
    panel_repo = connection.repository(project)

    def p_query() -> None:
        run_query(panel_repo, MediaQuery(text="dragon"))

    def p_query_rank() -> None:
        run_query(panel_repo, MediaQuery(text="dragon", sort="rank"))

    def p_query_rank_tail() -> None:  # the page after the matches ranked by relevance
        run_query(panel_repo, MediaQuery(text="dragon", sort="rank"), best_matches.SCORED)

    out = {
        "search_ms": {
            "project": median_ms(lambda: repo.search("dragon"), runs),
            "baseline": median_ms(
                lambda: base.execute(BASE_SEARCH, ["dragon", 50]).fetchall(), runs
            ),
        },
        "page_ms": {
            "project": median_ms(lambda: repo.list_recent(50), runs),
            "baseline": median_ms(lambda: base.execute(BASE_PAGE, [50]).fetchall(), runs),
        },
        "panel_query_ms": {
            "project": median_ms(p_query, runs),
            "baseline": median_ms(
                lambda: base.execute(BASE_SEARCH, ["dragon", PAGE_SIZE]).fetchall(), runs
            ),
        },
        "panel_query_rank_ms": {
            "project": median_ms(p_query_rank, runs),
            "baseline": median_ms(
                lambda: base.execute(BASE_RANKED, ["dragon", PAGE_SIZE]).fetchall(), runs
            ),
        },
        "panel_query_rank_tail_ms": {
            "project": median_ms(p_query_rank_tail, runs),
            "baseline": median_ms(
                lambda: base.execute(
                    BASE_RANKED_AT, ["dragon", PAGE_SIZE, best_matches.SCORED]
                ).fetchall(),
                runs,
            ),
        },
        "add_ms": {"project": median_ms(p_add, runs), "baseline": median_ms(b_add, runs)},
        "search_hits": len(repo.search("dragon", limit=100_000)),
    }
    if bulk:
        out["bulk_add_rows_per_s"] = bulk
    connection.close()
    db.close()
    base.close()
    out["project_root"], out["baseline_db"] = str(project.root), str(base_path)
    return out


def gui_child(kind: str, where: str) -> None:
    """In a fresh process: build the grid, show it, time the first painted screen.

    The project side is the library section of the panel (LibraryPanel: filter
    bar, grid, details pane), opened on the project as the app opens it.
    """
    from PySide6.QtCore import QAbstractListModel, QEventLoop, QModelIndex, QSize, Qt, QTimer
    from PySide6.QtGui import QImageReader, QPixmap
    from PySide6.QtWidgets import QApplication, QListView

    from qcut_ai.core.project import ProjectPaths

    # The app imports these at start-up (the panel needs them), so they are not timed here.
    from qcut_ai.library.project_db import open_project_db
    from qcut_ai.library.repository import MediaRepository
    from qcut_ai.services.settings_store import SettingsStore  # app.context, at start-up
    from qcut_ai.ui.library.panel import LibraryPanel

    del open_project_db, MediaRepository, SettingsStore
    app = QApplication([])
    rss0 = bc.rss_mb()
    view: QListView
    start = time.perf_counter()
    if kind == "baseline":
        conn = sqlite3.connect(where)
        rows = conn.execute("SELECT name, thumbnail FROM media ORDER BY created_at DESC").fetchall()
        conn.close()

        class Model(QAbstractListModel):
            icons: ClassVar[dict[int, QPixmap]] = {}

            def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
                return len(rows)

            def data(self, index: Any, role: int = 0) -> Any:
                if role == Qt.ItemDataRole.DisplayRole:
                    return rows[index.row()][0]
                if role == Qt.ItemDataRole.DecorationRole:
                    pix = self.icons.get(index.row())
                    if pix is None:
                        reader = QImageReader(rows[index.row()][1])
                        reader.setScaledSize(QSize(160, 90))
                        pix = self.icons[index.row()] = QPixmap.fromImage(reader.read())
                    return pix
                return None

        view = QListView()
        model: Any = Model()
        view.setModel(model)
        view.setViewMode(QListView.ViewMode.IconMode)
        view.setIconSize(QSize(160, 90))
        view.setGridSize(QSize(176, 136))  # the project's cell size
        view.setUniformItemSizes(True)
        loaded = True
    else:
        panel = LibraryPanel(Path(where) / ".thumbs")
        model = panel.model
        view = panel.view
        panel.open(ProjectPaths.at(where))
        loaded = False
    shown_widget = view if kind == "baseline" else panel
    shown_widget.resize(1280, 800)
    shown_widget.show()
    if not loaded and model.rowCount() == 0:
        # Wait in the event loop, as the app does, not in a loop of processEvents()
        # calls: that keeps the interpreter busy and starves the query worker.
        waiting = QEventLoop()
        model.modelReset.connect(waiting.quit)
        model.rowsInserted.connect(waiting.quit)
        QTimer.singleShot(30_000, waiting.quit)
        waiting.exec()
    app.processEvents()
    shown_widget.grab()
    first = time.perf_counter() - start
    shown = [
        r
        for r in range(min(model.rowCount(), 400))
        if view.visualRect(model.index(r, 0)).intersects(view.viewport().rect())
    ]
    if kind != "baseline":
        want = {model.items[r].thumbnail for r in shown}
        while not want <= set(model._pixmaps):
            app.processEvents()
            time.sleep(0.001)
        shown_widget.grab()
    complete = time.perf_counter() - start
    print(
        json.dumps(
            {
                "first_paint_s": first,
                "thumbs_done_s": complete,
                "visible": len(shown),
                "rows": model.rowCount(),
                "rss_mb": bc.rss_mb(),
                "rss_growth_mb": bc.rss_mb() - rss0,
            }
        )
    )
    if kind != "baseline":
        panel.shutdown()


def gui(kind: str, where: str, runs: int) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child-gui", kind, where],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
        samples.append(json.loads(out.strip().splitlines()[-1]))
    mid = sorted(samples, key=lambda s: s["first_paint_s"])[len(samples) // 2]
    return {
        **mid,
        "first_paint_ms": bc.stats_ms([s["first_paint_s"] for s in samples])["median"],
        "thumbs_done_ms": bc.stats_ms([s["thumbs_done_s"] for s in samples])["median"],
    }


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) == 4 and sys.argv[1] == "--child-gui":
        gui_child(sys.argv[2], sys.argv[3])
        return 0
    p = bc.parser(__doc__ or "")
    p.add_argument("--sizes", help="comma-separated library sizes (default 10000,100000,1000000)")
    args = p.parse_args(argv)
    sizes = [
        int(s)
        for s in (args.sizes or ("200,1000" if args.smoke else "10000,100000,1000000")).split(",")
    ]
    runs, gui_runs = (3, 1) if args.smoke else (20, 3)
    thumbs = bc.make_thumbnails(bc.cache_dir(args) / "thumbs320", THUMBS)
    results: dict[str, Any] = {}
    rows_out: list[tuple[str, str, str, str]] = []
    with bc.scratch_dir("library") as tmp:
        root = Path(tmp)
        for n in sizes:
            bulk_max = 500 if args.smoke else BULK_ADD_MAX
            res = measure_db(n, thumbs, root, bc.cache_dir(args), runs, bulk_max)
            res["grid"] = {
                "project": gui("project", res["project_root"], gui_runs),
                "baseline": gui("baseline", res["baseline_db"], gui_runs),
            }
            results[str(n)] = res
            for key in (
                "search_ms",
                "page_ms",
                "panel_query_ms",
                "panel_query_rank_ms",
                "panel_query_rank_tail_ms",
                "add_ms",
                "bulk_add_rows_per_s",
            ):
                if key not in res:  # no bulk add above BULK_ADD_MAX (a cached build)
                    continue
                pv, bv = res[key]["project"], res[key]["baseline"]
                rows_out.append((f"{n}: {key}", f"{pv:.3f}", f"{bv:.3f}", f"{pv / bv:.2f}"))
            g = res["grid"]
            for key in ("first_paint_ms", "thumbs_done_ms", "rss_mb"):
                pv, bv = g["project"][key], g["baseline"][key]
                rows_out.append((f"{n}: grid {key}", f"{pv:.1f}", f"{bv:.1f}", f"{pv / bv:.2f}"))
    large = str(sizes[-1])
    big = results[large]
    first = big["grid"]["project"]["first_paint_ms"]
    # The panel's search in either order, whichever is slower.
    search = max(big["panel_query_ms"]["project"], big["panel_query_rank_ms"]["project"])
    bc.report(
        "library",
        args,
        params={
            "sizes": sizes,
            "query_runs": runs,
            "gui_runs": gui_runs,
            "thumbnail_files": THUMBS,
        },
        results=results,
        ratios={
            "first_paint_vs_baseline": first / big["grid"]["baseline"]["first_paint_ms"],
            "search_vs_baseline": big["search_ms"]["project"] / big["search_ms"]["baseline"],
            "panel_query_vs_baseline": search / big["panel_query_ms"]["baseline"],
            "rss_vs_baseline": big["grid"]["project"]["rss_mb"] / big["grid"]["baseline"]["rss_mb"],
        },
        targets={
            f"first_screen_ms_at_{large}": bc.target(first, 150.0),
            f"panel_search_ms_at_{large}": bc.target(search, 10.0),
            f"repository_search_ms_at_{large}": bc.target(big["search_ms"]["project"], 10.0),
            f"rss_mb_at_{large}": bc.target(big["grid"]["project"]["rss_mb"], 300.0),
        },
        rows=rows_out,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
