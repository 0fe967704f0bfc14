"""Batch benchmark: pipelining and status polling against the offline stand-in.

Four models, each with a stand-in latency of a few seconds (prompt tags
`[queue:S] [generate:S]`), run through `engine.batch.BatchRunner` exactly as
`qcut-ai generate` does (default settings: one generation at a time, ingest
on its own worker). The baseline is the ideal pipeline: the sum of the
generation times the stand-in was told to take, plus one ingest (the last
job's, measured). Status requests per job are counted by the stand-in: a
status-stream request counts as one, like a poll.

    .venv/bin/python scripts/bench_batch.py [--smoke] [--json out.json]
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc


class Recorder:
    """An EventSink that stamps each job's state changes with time.monotonic()."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.first: dict[tuple[str, str], float] = {}

    def __call__(self, event: Any) -> None:
        with self.lock:
            self.first.setdefault((event.job_id, event.state.value), time.monotonic())

    def at(self, job_id: str, state: str) -> float:
        return self.first[(job_id, state)]


def main(argv: list[str] | None = None) -> int:
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.engine.batch import BatchRunner, journal_batch, plan
    from qcut_ai.engine.journal import JobJournal
    from qcut_ai.engine.runner import JobRunner
    from qcut_ai.library.project_db import open_project_db

    p = bc.parser(__doc__ or "")
    p.add_argument("--models", type=int, help="models in the batch (default 4, smoke 2)")
    p.add_argument("--generate-s", type=float, help="stand-in generation seconds (default 3)")
    p.add_argument("--concurrency", type=int, default=1, help="generations at once (settings)")
    args = p.parse_args(argv)
    n = args.models or (2 if args.smoke else 4)
    queue_s = 0.1 if args.smoke else 0.5
    generate_s = args.generate_s or (0.3 if args.smoke else 3.0)
    profile = "instant" if args.smoke else "realistic"
    specs, request = bc.batch_plan(bc.BATCH_MODELS[:n], queue_s, generate_s)
    conn = bc.standin_connection(bc.cache_dir(args), profile)
    with conn, bc.scratch_dir("batch") as tmp:
        warm = bc.warm_renders(conn, specs, request)
        project = ProjectPaths.at(Path(tmp) / "project").ensure()
        journal = JobJournal(open_project_db(project))
        records = journal_batch(journal, plan(specs, request), request)
        journal.db.close()
        runner = JobRunner(
            project, conn.gateway, Path(tmp) / "thumbs", allowed_hosts=conn.allowed_hosts()
        )
        events = Recorder()
        batch = BatchRunner(runner, concurrency=args.concurrency, emit=events)
        start = time.monotonic()
        try:
            finals = batch.run([r.id for r in records])
        finally:
            batch.shutdown()
        wall = time.monotonic() - start
        standin = conn.standin
        polls = standin.status_polls
        jobs = []
        for job in finals:
            server = standin.jobs.get(job.request_id)
            done_at = events.at(job.id, "completed")
            submitted = events.at(job.id, "submitted")
            jobs.append(
                {
                    "model": job.model_name,
                    "state": job.state.value,
                    "generation_s": server.queue_s + server.generate_s,
                    "noticed_late_s": done_at
                    - (server.created + server.queue_s + server.generate_s),
                    "ingest_s": events.at(job.id, "done") - done_at,
                    "status_requests": polls.get(job.request_id, 0),
                    "requests_per_min": polls.get(job.request_id, 0) / ((done_at - submitted) / 60),
                }
            )
    sum_gen = sum(j["generation_s"] for j in jobs)
    last_ingest = jobs[-1]["ingest_s"]
    ideal = sum_gen + last_ingest
    ratio = wall / ideal
    worst_rate = max(j["requests_per_min"] for j in jobs)
    most_requests = max(j["status_requests"] for j in jobs)
    rows = [
        ("batch wall time (s)", f"{wall:.2f}", f"{ideal:.2f} (Σgen + 1 ingest)", f"{ratio:.2f}"),
        ("sum of generation (s)", "", f"{sum_gen:.2f}", f"{wall / sum_gen:.2f}"),
        ("one ingest (s)", f"{last_ingest:.2f}", "", ""),
        (
            "late notice per job (s)",
            f"{statistics.mean(j['noticed_late_s'] for j in jobs):.2f}",
            "",
            "",
        ),
        ("status req/min/job (max)", f"{worst_rate:.1f}", "40 (target)", ""),
        ("status requests/job (max)", f"{most_requests}", "", ""),
    ]
    bc.report(
        "batch",
        args,
        params={
            "models": [s.id for s in specs],
            "queue_s": queue_s,
            "generate_s": generate_s,
            "profile": profile,
            "concurrency": args.concurrency,
        },
        results={
            "wall_s": round(wall, 3),
            "sum_generation_s": round(sum_gen, 3),
            "last_ingest_s": round(last_ingest, 3),
            "ideal_s": round(ideal, 3),
            "jobs": jobs,
            "jobs_done": sum(j["state"] == "done" for j in jobs),
            "max_requests_per_min_per_job": round(worst_rate, 2),
            "max_status_requests_per_job": most_requests,
            "render_warmup_s": round(warm, 2),
        },
        ratios={"wall_vs_ideal": ratio, "wall_vs_sum_generation": wall / sum_gen},
        targets={
            "wall_vs_ideal": bc.target(ratio, 1.1),
            "status_requests_per_min_per_job": bc.target(worst_rate, 40.0),
        },
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
