"""Soak benchmark: 1,000 generations in one app session, through the panel.

The app's window (MainWindow + MediaPanel, offscreen) on an empty project
runs 200 batches of 5 models, one after the other, through `MediaPanel.generate`
(the Generate button's path: launch, journal, submit, wait, download, poster,
row, tags, hash, filmstrip) against the offline stand-in in its own process
("instant" profile: 320x180 renders; `[queue:0] [generate:0]` so the stand-in
answers at once and what is timed is the app's own work per job).
Baseline, in the same run: the first 100 jobs. Measured: each batch's wall
time from the press to its last clip listed (per job: a fifth of it), the
process's RSS, and the journal and library queries the panel runs (history,
spend totals, unfinished jobs, the library's first page and a search), timed
between batches after the first 100 and the last 100 jobs, in wall and in CPU
time (History and the spend totals on kept connections, as the panel reads them;
the others on a connection of their own). Beside RSS, what could grow with the
session is counted every 50 jobs (rows in the job list, QObjects and widgets
alive, runner tasks alive, Python objects), and `--profile DIR` writes a cProfile
of an early and of a late batch.

    .venv/bin/python scripts/bench_soak.py [--smoke] [--jobs 300] [--profile DIR] [--json out.json]
"""

from __future__ import annotations

import cProfile
import functools
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc

BATCH = 5


def query_times(project: Any, reps: int) -> dict[str, dict[str, float]]:
    """Median ms of each query the panel runs against the journal and the library, in
    wall time and in this thread's CPU time ("cpu"). On a shared machine the wall time
    also holds the time the thread waited for a core; the CPU time is what the query
    itself costs, so a query that is flat stays flat there whatever the load.

    History and the spend totals are read as the panel reads them: on connections
    kept open between reads (`jobs.reads.KeptReads`), opened by the first, untimed call.
    """
    from qcut_ai.core.batches import HISTORY_PAGE
    from qcut_ai.core.media_query import MediaQuery
    from qcut_ai.engine.journal import JobJournal
    from qcut_ai.jobs.library_queries import run_query
    from qcut_ai.jobs.reads import KeptReads
    from qcut_ai.library.project_db import project_database
    from qcut_ai.library.repository import MediaRepository

    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> None:
        fn()  # untimed: a kept connection is opened, the pages are read once
        walls, cpus = [], []
        for _ in range(reps):
            t0, c0 = time.perf_counter(), time.thread_time()
            fn()
            cpus.append(time.thread_time() - c0)
            walls.append(time.perf_counter() - t0)
        wall[name] = round(statistics.median(walls) * 1000, 3)
        cpu[name] = round(statistics.median(cpus) * 1000, 3)

    reads = KeptReads()
    try:
        timed("history", lambda: reads.history_page(project, limit=HISTORY_PAGE))
        timed("spend_totals", lambda: reads.spend_totals(project))
    finally:
        reads.close()
    with project_database(project) as db:
        repo = MediaRepository(db, project.root)
        journal = JobJournal(db)
        timed("journal_unfinished", journal.unfinished)
        timed("journal_recent_50", lambda: journal.recent(limit=50))
        timed("library_first_page", lambda: run_query(repo, MediaQuery()))
        timed("library_search", lambda: run_query(repo, MediaQuery(text="lighthouse")))
    return {"wall": wall, "cpu": cpu}


def snapshot(project: Any, root: Path) -> Any:
    """A copy of the project's database as it is now (SQLite's backup API), for the
    same-moment comparison at the end."""
    import sqlite3

    from qcut_ai.core.project import ProjectPaths

    copy = ProjectPaths.at(root).ensure()
    source, target = sqlite3.connect(project.database), sqlite3.connect(copy.database)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return copy


def same_moment(project: Any, early: Any, reps: int) -> dict[str, dict[str, float]]:
    """History's first page, the project's own spend tally and the journal's reads, read
    alternately from the session's journal and from the copy taken after the first
    jobs: the two sizes under the same load, seconds apart (median ms, wall and this
    thread's CPU)."""
    from qcut_ai.core.batches import HISTORY_PAGE
    from qcut_ai.engine.history import load_history_page
    from qcut_ai.engine.journal import JobJournal, ensure_journal
    from qcut_ai.engine.kept_connections import KeptConnections
    from qcut_ai.engine.spend import utc_today
    from qcut_ai.engine.spend_tally import project_usage

    kept = KeptConnections()  # as the panel's reads keep them
    day = utc_today().isoformat()

    def journal(p: Any, read: Callable[[Any], Any]) -> Any:
        return kept.read(p.database, ensure_journal, lambda db: read(JobJournal(db, migrate=False)))

    calls: dict[str, Callable[[Any], Any]] = {
        "history": lambda p: load_history_page(p, limit=HISTORY_PAGE, kept=kept),
        "own_tally": lambda p: project_usage(p, day, kept),
        "journal_unfinished": lambda p: journal(p, lambda j: j.unfinished()),
        "journal_recent_50": lambda p: journal(p, lambda j: j.recent(limit=50)),
    }
    samples: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
    try:
        for name, fn in calls.items():
            fn(project)  # untimed: the connections are opened
            fn(early)
            for n in range(reps):
                for side, target in (("now", project), ("early", early))[:: 1 if n % 2 else -1]:
                    walls, cpus = samples.setdefault((name, side), ([], []))
                    t0, c0 = time.perf_counter(), time.thread_time()
                    fn(target)
                    cpus.append(time.thread_time() - c0)
                    walls.append(time.perf_counter() - t0)
    finally:
        kept.close()
    return {
        f"{name}_{side}": {
            "wall": round(statistics.median(w) * 1000, 3),
            "cpu": round(statistics.median(c) * 1000, 3),
        }
        for (name, side), (w, c) in samples.items()
    }


def counters(panel: Any) -> dict[str, int]:
    """What a long session could pile up, besides memory itself."""
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    from qcut_ai.jobs.tasks import Task

    alive = gc.get_objects()
    return {
        "job_rows": panel.generation.model.rowCount(),
        "qobjects": len(panel.findChildren(QObject)),
        "widgets": len(QApplication.allWidgets()),
        "tasks_alive": sum(isinstance(o, Task) for o in alive),
        "python_objects": len(alive),
    }


def run(args: Any, tmp: Path) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    from qcut_ai.app.shell import MainWindow
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.core.settings import Settings
    from qcut_ai.ui.media_panel import MediaPanel, PanelServices

    smoke = args.smoke
    batches = args.batches or (args.jobs // BATCH if args.jobs else (4 if smoke else 200))
    window_jobs = max(BATCH, min(100, batches * BATCH // 4 // BATCH * BATCH))
    app = QApplication.instance() or QApplication([])
    assert app is not None
    cache = bc.cache_dir(args)
    specs, request = bc.batch_plan(bc.BATCH_MODELS[:BATCH], 0, 0)
    conn = bc.standin_connection(cache, "instant", own_process=True)
    per_batch: list[float] = []
    rss: list[tuple[int, float]] = []
    growth: list[dict[str, Any]] = []
    profiled = {batches // 10: "early", batches - 3: "late"} if args.profile else {}
    errors: list[str] = []
    with conn:
        bc.warm_renders(conn, specs, request)
        project = ProjectPaths.at(tmp / "project").ensure()
        services = PanelServices(
            Settings(confirm_above_usd=10_000.0), tmp / "thumbnails", connect=lambda: conn
        )
        panel = MediaPanel(services)
        window = MainWindow(panel)
        window.show()
        panel.open_project(project.root)
        spin = functools.partial(bc.spin, poll_ms=5)

        spin(10, lambda: panel.library.pending_tasks() == 0)
        progress = {"done": 0, "total": 0}
        added: list[int] = []
        panel.jobs.batch_progress.connect(lambda d, t: progress.update(done=d, total=t))
        panel.media_added.connect(lambda item: added.append(item.id))
        panel.error_reported.connect(errors.append)
        panel.jobs.job_event.connect(lambda e: errors.append(e.error) if e.error else None)
        queries: dict[str, dict[str, dict[str, float]]] = {}
        early: Any = None  # the copy of the project after the first window's jobs
        for b in range(batches):
            want = len(added) + BATCH
            profile = cProfile.Profile() if b in profiled else None
            if profile:
                profile.enable()
            start = time.perf_counter()
            panel.generate(specs, request)
            spin(120, lambda: bool(errors) or len(added) >= want)  # noqa: B023
            per_batch.append(time.perf_counter() - start)
            if profile:
                profile.disable()
                Path(args.profile).mkdir(parents=True, exist_ok=True)
                profile.dump_stats(str(Path(args.profile) / f"{profiled[b]}-batch{b}.prof"))
            if errors:
                break
            jobs = (b + 1) * BATCH
            if jobs % 50 == 0 or b == batches - 1:
                gc.collect()
                rss.append((jobs, round(bc.rss_mb(), 1)))
                growth.append({"jobs": jobs, "rss_mb": rss[-1][1], **counters(panel)})
            if jobs == window_jobs:
                spin(30, lambda: progress["done"] >= progress["total"])
                queries["first"] = query_times(project, 5 if smoke else 15)
                early = snapshot(project, tmp / "early-copy")
        spin(60, lambda: progress["done"] >= progress["total"])
        queries["last"] = query_times(project, 5 if smoke else 15)
        alternated = same_moment(project, early, 5 if smoke else 21) if early else {}
        gc.collect()
        rss.append((len(per_batch) * BATCH, round(bc.rss_mb(), 1)))
        model_rows = panel.jobs.model.rowCount() if hasattr(panel.jobs, "model") else None
        library_rows = panel.model.rowCount()
        window.close()
    n = window_jobs // BATCH
    first, last = per_batch[:n], per_batch[-n:]
    return {
        "batches": len(per_batch),
        "jobs_done": len(per_batch) * BATCH if not errors else progress["done"],
        "media_added": len(added),
        "errors": errors[:5],
        "window_jobs": window_jobs,
        "per_job_ms_first": round(statistics.median(first) / BATCH * 1000, 2),
        "per_job_ms_last": round(statistics.median(last) / BATCH * 1000, 2),
        "batch_ms": bc.stats_ms(per_batch),
        "rss_mb": rss,
        "growth": growth,
        "queries_ms": queries,
        "same_moment_ms": alternated,
        "job_rows_in_session": model_rows,
        "library_rows_in_view": library_rows,
    }


def main(argv: list[str] | None = None) -> int:
    p = bc.parser(__doc__ or "")
    p.add_argument("--batches", type=int, help="batches of 5 (default 200, smoke 4)")
    p.add_argument("--jobs", type=int, help="jobs in all, instead of --batches (e.g. 300)")
    p.add_argument("--profile", metavar="DIR", help="cProfile an early and a late batch here")
    args = p.parse_args(argv)
    with bc.scratch_dir("soak") as tmp:
        os.environ.update(
            QT_QPA_PLATFORM="offscreen",
            QCUT_AI_HOME=str(Path(tmp) / "home"),
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        )
        os.environ.pop("FAL_KEY", None)
        res = run(args, Path(tmp))
    rss = dict(res["rss_mb"])
    window = res["window_jobs"]
    rss_base = rss.get(window) or res["rss_mb"][0][1]
    rss_end = res["rss_mb"][-1][1]
    growth = rss_end - rss_base
    overhead = res["per_job_ms_last"] / res["per_job_ms_first"]
    q_first, q_last = res["queries_ms"]["first"]["wall"], res["queries_ms"]["last"]["wall"]
    c_first, c_last = res["queries_ms"]["first"]["cpu"], res["queries_ms"]["last"]["cpu"]
    worst_query = max(q_last[k] / q_first[k] for k in q_first)
    worst_cpu = max(c_last[k] / max(c_first[k], 1e-6) for k in c_first)
    rows = [
        (
            f"per job, last {window} (ms)",
            f"{res['per_job_ms_last']:.1f}",
            f"{res['per_job_ms_first']:.1f} (first {window})",
            f"{overhead:.2f}",
        ),
        (
            f"RSS after {res['jobs_done']} jobs (MB)",
            f"{rss_end:.1f}",
            f"{rss_base:.1f} (after {window})",
            f"+{growth:.1f} MB",
        ),
    ]
    for key in q_first:
        rows.append(
            (
                f"query {key}, wall / cpu (ms)",
                f"{q_last[key]:.2f} / {c_last[key]:.2f}",
                f"{q_first[key]:.2f} / {c_first[key]:.2f}",
                f"{q_last[key] / q_first[key]:.2f} / {c_last[key] / max(c_first[key], 1e-6):.2f}",
            )
        )
    same = res["same_moment_ms"]
    for name in ("history", "own_tally", "journal_unfinished", "journal_recent_50"):
        now, early = same[f"{name}_now"], same[f"{name}_early"]
        rows.append(
            (
                f"{name}, {res['jobs_done']} jobs vs the copy at {window}, alternated (ms)",
                f"{now['wall']:.2f} / {now['cpu']:.2f}",
                f"{early['wall']:.2f} / {early['cpu']:.2f}",
                f"{now['wall'] / early['wall']:.2f} / {now['cpu'] / max(early['cpu'], 1e-6):.2f}",
            )
        )
    bc.report(
        "soak",
        args,
        params={
            "batches": res["batches"],
            "batch_size": BATCH,
            "models": list(bc.BATCH_MODELS[:BATCH]),
            "profile": "instant",
            "standin": "separate process",
        },
        results=res,
        ratios={
            "per_job_last_vs_first": overhead,
            "worst_query_last_vs_first": worst_query,
            "worst_query_cpu_last_vs_first": worst_cpu,
        },
        targets={
            "per_job_last_vs_first": bc.target(overhead, 1.1),
            "rss_growth_mb": bc.target(growth, 30.0),
            "worst_query_last_vs_first": bc.target(worst_query, 1.5),
            "worst_query_cpu_last_vs_first": bc.target(worst_cpu, 1.1),
        },
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
