"""`qcut-ai jobs` lists the journal; `qcut-ai resume` finishes every unfinished job."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from qcut_ai.commands.common import add_json_arg, add_project_arg, eprint, print_json, project_from
from qcut_ai.core.job_state import JobState

if TYPE_CHECKING:
    from qcut_ai.core.project import ProjectPaths


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("jobs", help="list jobs with state, model, request id, cost and error")
    p.add_argument("--limit", type=int, default=100)
    add_project_arg(p)
    add_json_arg(p)
    p.set_defaults(handler=list_jobs)
    actions = p.add_subparsers(dest="jobs_action", metavar="ACTION")
    c = actions.add_parser("cancel", help="cancel a job (at fal when fal holds it)")
    c.add_argument("job_id", metavar="ID")
    c.add_argument("--offline", action="store_true", help="use the built-in fal stand-in")
    # SUPPRESS keeps `qcut-ai jobs --project DIR cancel ID` working (argparse would
    # otherwise overwrite the parent's value with this parser's default).
    c.add_argument("--project", metavar="DIR", default=argparse.SUPPRESS, help="project folder")
    c.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    c.set_defaults(handler=cancel)

    r = sub.add_parser("resume", help="pick up every unfinished job of a project, exactly once")
    r.add_argument("--offline", action="store_true", help="use the built-in fal stand-in")
    r.add_argument("--quiet", action="store_true")
    add_project_arg(r)
    add_json_arg(r)
    r.set_defaults(handler=resume)


def list_jobs(args: argparse.Namespace) -> int:
    from qcut_ai.engine.journal import JobJournal
    from qcut_ai.library.project_db import project_database

    with project_database(project_from(args)) as db:
        jobs = JobJournal(db).recent(limit=args.limit)
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


def cancel(args: argparse.Namespace) -> int:
    from qcut_ai.engine.cancel import cancel_job
    from qcut_ai.engine.connection import connect
    from qcut_ai.services.settings_store import SettingsStore

    project = project_from(args)
    with connect(SettingsStore().load(), offline=args.offline) as conn:
        job = cancel_job(project, args.job_id, conn.gateway, conn.backend)
    if args.json:
        print_json(job.to_json())
    else:
        print(f"{job.model_name}: {job.error}")
    return 0


def finish_library(project: ProjectPaths) -> int:
    """Finish the library items a crash left unfinished (tags, hash, filmstrip)."""
    from qcut_ai.core.app_dirs import app_dirs
    from qcut_ai.library.ingest import Library

    with Library(project, app_dirs().ensure().thumbnails) as library:
        return len(library.finish_pending())


def resume(args: argparse.Namespace) -> int:
    from qcut_ai.commands.generate import _Progress
    from qcut_ai.commands.interrupts import cancel_at_fal, run_detachable
    from qcut_ai.core.app_dirs import app_dirs
    from qcut_ai.engine.batch import BatchRunner
    from qcut_ai.engine.connection import connect
    from qcut_ai.engine.journal import JobJournal
    from qcut_ai.engine.resume import busy_text, plan_resume, waiting_text
    from qcut_ai.engine.runner import JobRunner
    from qcut_ai.library.project_db import project_database
    from qcut_ai.services.settings_store import SettingsStore

    project = project_from(args)
    with project_database(project) as db:
        pending = JobJournal(db).unfinished()
    finished = finish_library(project)
    if not pending:
        if args.json:
            print_json({"resumed": 0, "finished_items": finished})
        elif finished:
            print(f"Finished {finished} library item(s) a crash had left unfinished.")
        else:
            print("Nothing to resume.")
        return 0
    settings = SettingsStore().load()
    with connect(settings, offline=args.offline) as conn:
        with project_database(project) as db:
            plan = plan_resume(JobJournal(db), conn.backend, pending)
        for job in plan.expired:
            eprint(f"qcut-ai: {job.model_name}: {job.error}")
        if plan.waiting:
            eprint(f"qcut-ai: {waiting_text(plan.waiting)}")
        if plan.busy:
            eprint(f"qcut-ai: {busy_text(plan.busy)}")
        runner = JobRunner(
            project,
            conn.gateway,
            app_dirs().ensure().thumbnails,
            allowed_hosts=conn.allowed_hosts(),
        )
        batch = BatchRunner(
            runner, concurrency=settings.concurrency, emit=_Progress(args.quiet or args.json)
        )
        finals, detached = run_detachable(
            batch, [j.id for j in plan.run], project, cancel_at_fal(project, conn)
        )
    if batch.busy:
        eprint(
            f"qcut-ai: {len(batch.busy)} job(s) were taken by another qcut-ai meanwhile; "
            "left to it."
        )
    failures = len(plan.waiting)
    for job in finals:
        if args.json:
            print_json(job.to_json())
        if job.state is not JobState.DONE and job.id not in batch.busy and not detached:
            failures += 1
            eprint(f"qcut-ai: {job.model_name}: {job.error or job.state.label}")
    if detached:
        return 130
    return 0 if failures == 0 else 1
