"""`qcut-ai jobs` lists the journal; `qcut-ai resume` finishes every unfinished job."""

from __future__ import annotations

import argparse

from qcut_ai.commands.common import add_json_arg, add_project_arg, eprint, print_json, project_from


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("jobs", help="list jobs with state, model, request id, cost and error")
    p.add_argument("--limit", type=int, default=100)
    add_project_arg(p)
    add_json_arg(p)
    p.set_defaults(handler=list_jobs)

    r = sub.add_parser("resume", help="pick up every unfinished job of a project, exactly once")
    r.add_argument("--offline", action="store_true", help="use the built-in fal stand-in")
    r.add_argument("--quiet", action="store_true")
    add_project_arg(r)
    add_json_arg(r)
    r.set_defaults(handler=resume)


def list_jobs(args: argparse.Namespace) -> int:
    from qcut_ai.engine.journal import JobJournal
    from qcut_ai.library.db import open_project_db

    db = open_project_db(project_from(args))
    try:
        jobs = JobJournal(db).recent(limit=args.limit)
    finally:
        db.close()
    if args.json:
        for job in jobs:
            print_json(job.to_json())
        return 0
    if not jobs:
        print("No jobs yet.")
        return 0
    print(f"{'STATE':<22} {'MODEL':<28} {'COST':>7}  {'REQUEST ID':<36}  ERROR")
    for job in jobs:
        cost = f"${job.estimate_usd:.2f}" if job.estimate_usd is not None else "?"
        print(
            f"{job.state.label[:22]:<22} {job.model_name[:28]:<28} {cost:>7}  "
            f"{(job.request_id or '-')[:36]:<36}  {job.error or ''}"
        )
    return 0


def resume(args: argparse.Namespace) -> int:
    from qcut_ai.commands.generate import _Progress
    from qcut_ai.core.jobs import JobState
    from qcut_ai.engine.batch import BatchRunner
    from qcut_ai.engine.connection import connect
    from qcut_ai.engine.journal import JobJournal
    from qcut_ai.engine.resume import plan_resume, waiting_text
    from qcut_ai.engine.runner import JobRunner
    from qcut_ai.library.db import open_project_db
    from qcut_ai.services.paths import app_dirs
    from qcut_ai.services.settings import SettingsStore

    project = project_from(args)
    db = open_project_db(project)
    try:
        pending = JobJournal(db).unfinished()
        if not pending:
            if args.json:
                print_json({"resumed": 0})
            else:
                print("Nothing to resume.")
            return 0
    finally:
        db.close()
    settings = SettingsStore().load()
    with connect(settings, offline=args.offline) as conn:
        db = open_project_db(project)
        try:
            plan = plan_resume(JobJournal(db), conn.backend, pending)
        finally:
            db.close()
        for job in plan.expired:
            eprint(f"qcut-ai: {job.model_name}: {job.error}")
        if plan.waiting:
            eprint(f"qcut-ai: {waiting_text(plan.waiting)}")
        runner = JobRunner(
            project,
            conn.gateway,
            app_dirs().ensure().thumbnails,
            allowed_hosts=conn.allowed_hosts(),
        )
        batch = BatchRunner(
            runner, concurrency=settings.concurrency, emit=_Progress(args.quiet or args.json)
        )
        try:
            finals = batch.run([j.id for j in plan.run])
        finally:
            batch.shutdown()
    failures = len(plan.waiting)
    for job in finals:
        if args.json:
            print_json(job.to_json())
        if job.state is not JobState.DONE:
            failures += 1
            eprint(f"qcut-ai: {job.model_name}: {job.error or job.state.label}")
    return 0 if failures == 0 else 1
