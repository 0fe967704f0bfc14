"""GUI stall benchmark: a heartbeat on the GUI thread while a batch runs.

The app's window (MainWindow + MediaPanel, offscreen) has a 10,000-item
library open. A 5 ms QTimer records when the GUI thread gets to run; a gap
much longer than 5 ms is a stall the user would feel. Baseline, in the same
run: the same window idle for a few seconds. Then a 5-model batch runs
against the offline stand-in (in its own process, "realistic" profile: 1080p
clips; latency set by prompt tags) and goes through download, verify,
thumbnails and the library, as in the app.

    .venv/bin/python scripts/bench_gui_stall.py [--smoke] [--json out.json]
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc

HEARTBEAT_MS = 5


def gap_stats(stamps: list[float]) -> dict[str, float]:
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(stamps)]
    return {
        "max_ms": round(max(gaps), 2),
        "p99_ms": round(bc.percentile(gaps, 99), 2),
        "p50_ms": round(bc.percentile(gaps, 50), 2),
        "over_17ms": sum(g > 17 for g in gaps),
        "over_50ms": sum(g > 50 for g in gaps),
        "beats": len(gaps),
        "seconds": round(stamps[-1] - stamps[0], 2),
    }


def run(args: Any, tmp: Path) -> dict[str, Any]:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from qcut_ai.app.shell import MainWindow
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.core.settings import Settings
    from qcut_ai.library.project_db import open_project_db
    from qcut_ai.library.repository import MediaRepository
    from qcut_ai.ui.media_panel import MediaPanel, PanelServices

    smoke = args.smoke
    n_models, items = (2, 300) if smoke else (5, 10_000)
    profile = "instant" if smoke else "realistic"
    app = QApplication.instance() or QApplication([])
    assert app is not None
    cache = bc.cache_dir(args)
    specs, request = bc.batch_plan(
        bc.BATCH_MODELS[:n_models], 0.1 if smoke else 0.5, 0.3 if smoke else 2.0
    )
    conn = bc.standin_connection(cache, profile, own_process=True)
    with conn:
        bc.warm_renders(conn, specs, request)
        project = ProjectPaths.at(tmp / "project").ensure()
        thumbs = bc.make_thumbnails(cache / "thumbs320", 500)
        db = open_project_db(project)
        rows = bc.library_rows(items, thumbs, project.root)
        MediaRepository(db, project.root).add_many([bc.new_media(r) for r in rows])
        db.close()
        # Preview asks above the threshold too; a bench has nobody to answer.
        unasked = Settings(confirm_above_usd=10_000.0)
        services = PanelServices(unasked, tmp / "thumbnails", connect=lambda: conn)
        panel = MediaPanel(services)
        window = MainWindow(panel)
        window.show()
        panel.open_project(project.root)
        spin = bc.spin

        spin(30, lambda: panel.model.rowCount() > 0)
        spin(1.0)  # the first screen's thumbnails arrive
        stamps: list[float] = []
        beat = QTimer()
        beat.setTimerType(Qt.TimerType.PreciseTimer)
        beat.timeout.connect(lambda: stamps.append(time.perf_counter()))
        beat.start(HEARTBEAT_MS)
        spin(1.0 if smoke else 5.0)
        idle = list(stamps)
        stamps.clear()
        progress = {"done": 0, "total": 0}
        added: list[Any] = []
        errors: list[str] = []
        panel.jobs.batch_progress.connect(lambda d, t: progress.update(done=d, total=t))
        panel.media_added.connect(added.append)
        panel.error_reported.connect(errors.append)
        panel.jobs.job_event.connect(lambda e: errors.append(e.error) if e.error else None)
        events: list[tuple[float, str]] = []
        panel.jobs.job_event.connect(
            lambda e: events.append((time.perf_counter(), f"{e.model_name}: {e.state.value}"))
        )
        start = time.monotonic()
        panel.generate(specs, request)
        # A failure ends the wait at once; the summary then lists the errors.
        spin(
            60 if smoke else 300,
            lambda: bool(errors) or 0 < progress["total"] <= progress["done"],
        )
        batch_s = time.monotonic() - start
        spin(0.5)
        beat.stop()
        busy = list(stamps)
        worst = max(range(1, len(busy)), key=lambda i: busy[i] - busy[i - 1])
        near = [
            f"{(t - busy[worst - 1]) * 1000:+.0f} ms {what}"
            for t, what in events
            if busy[worst - 1] - 0.5 <= t <= busy[worst] + 0.1
        ]
        rows_shown = panel.model.rowCount()
        window.close()
    return {
        "idle": gap_stats(idle),
        "batch": gap_stats(busy),
        "batch_seconds": round(batch_s, 2),
        "jobs_done": progress["done"],
        "media_added": len(added),
        "errors": errors,
        "library_items": items,
        "rows_in_view": rows_shown,
        # What the jobs reported around the longest gap (times from the gap's start).
        "worst_gap_events": near,
        "models": [s.id for s in specs],
        "profile": profile,
    }


def main(argv: list[str] | None = None) -> int:
    args = bc.parser(__doc__ or "").parse_args(argv)
    with bc.scratch_dir("gui") as tmp:
        os.environ.update(
            QT_QPA_PLATFORM="offscreen",
            QCUT_AI_HOME=str(Path(tmp) / "home"),
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        )
        os.environ.pop("FAL_KEY", None)
        res = run(args, Path(tmp))
    idle, busy = res["idle"], res["batch"]
    rows = [
        (
            "max gap (ms)",
            f"{busy['max_ms']:.1f}",
            f"{idle['max_ms']:.1f} (idle)",
            f"{busy['max_ms'] / idle['max_ms']:.2f}",
        ),
        (
            "p99 gap (ms)",
            f"{busy['p99_ms']:.1f}",
            f"{idle['p99_ms']:.1f} (idle)",
            f"{busy['p99_ms'] / idle['p99_ms']:.2f}",
        ),
        ("gaps > 50 ms", str(busy["over_50ms"]), str(idle["over_50ms"]), ""),
        ("batch (s) / clips added", f"{res['batch_seconds']} / {res['media_added']}", "", ""),
    ]
    bc.report(
        "gui_stall",
        args,
        params={
            "heartbeat_ms": HEARTBEAT_MS,
            "models": res["models"],
            "profile": res["profile"],
            "library_items": res["library_items"],
            "standin": "separate process",
        },
        results=res,
        ratios={
            "max_gap_vs_idle": busy["max_ms"] / idle["max_ms"],
            "p99_gap_vs_idle": busy["p99_ms"] / idle["p99_ms"],
        },
        targets={
            "max_gap_ms": bc.target(busy["max_ms"], 50.0),
            "p99_gap_ms": bc.target(busy["p99_ms"], 17.0),
        },
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
