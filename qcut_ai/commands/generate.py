"""`qcut-ai generate`: one request on one or more models, headless, same pipeline as the app."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from qcut_ai.commands.common import add_json_arg, add_project_arg, eprint, print_json, project_from

if TYPE_CHECKING:
    from qcut_ai.core.settings import Settings
    from qcut_ai.engine.batch import PlannedJob


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("generate", help="generate video with one or more models")
    p.add_argument(
        "--model",
        action="append",
        required=True,
        metavar="ID",
        help="short id or fal endpoint id; repeat (or comma-separate) for several models",
    )
    p.add_argument("--prompt", default=None)
    p.add_argument(
        "--template", metavar="NAME", help="use a saved prompt template (see `qcut-ai template`)"
    )
    p.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value for a template variable; repeat for each",
    )
    p.add_argument("--negative-prompt", default=None)
    p.add_argument("--image", help="input image (path or URL)")
    p.add_argument("--end-image", help="last frame (path or URL)")
    p.add_argument("--audio", help="input audio (path or URL)")
    p.add_argument("--video", help="input video (path or URL)")
    p.add_argument("--duration", type=int, help="seconds")
    p.add_argument("--resolution")
    p.add_argument("--aspect-ratio")
    p.add_argument("--audio-on", dest="generate_audio", action="store_true", default=None)
    p.add_argument("--no-audio", dest="generate_audio", action="store_false")
    p.add_argument("--seed", type=int)
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="model-specific field (JSON value or plain string)",
    )
    p.add_argument("--offline", action="store_true", help="use the built-in fal stand-in")
    p.add_argument("--yes", action="store_true", help="confirm spending above the threshold")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    add_project_arg(p)
    add_json_arg(p)
    p.set_defaults(handler=run)


def _extras(pairs: list[str]) -> dict[str, Any]:
    import json

    from qcut_ai.core.errors import FieldError, InvalidRequestError

    extras: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise InvalidRequestError([FieldError("--set", pair, "use FIELD=VALUE")])
        try:
            extras[name] = json.loads(raw)
        except ValueError:
            extras[name] = raw
    return extras


class _Progress:
    """Prints state changes on stderr: queue position, state, elapsed."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.start = time.monotonic()
        self.last: dict[str, tuple[Any, ...]] = {}

    def __call__(self, event: Any) -> None:
        if self.quiet:
            return
        key = (event.state, event.queue_position, event.error)
        if self.last.get(event.job_id) == key and not event.logs:
            return
        self.last[event.job_id] = key
        elapsed = time.monotonic() - self.start
        text = f"[{elapsed:6.1f}s] {event.model_name}: {event.state.label}"
        if event.queue_position is not None and event.state.value == "in_queue":
            text += f" (position {event.queue_position})"
        if event.request_id:
            text += f" · {event.request_id}"
        if event.error:
            text += f" · {event.error}"
        eprint(text)
        for line in event.logs:
            eprint(f"           {line}")


def _check_threshold(
    planned: Sequence[PlannedJob], settings: Settings, *, confirmed: bool, rehearsal: bool = False
) -> None:
    """Above the confirmation threshold, at an unknown price, or at a price fal changed only
    with --yes. Budgets are checked by launch_batch; --yes cannot lift them. `rehearsal`
    (--offline) asks the same, at the real prices, as what the batch would cost."""
    from qcut_ai.core.errors import BudgetError
    from qcut_ai.core.pricing import why_confirm

    moved = [p.spec.name for p in planned if p.spec.needs_price_confirmation]
    question = why_confirm(
        [p.estimate for p in planned],
        settings.confirm_above_usd,
        price_moved=moved,
        rehearsal=rehearsal,
    )
    if confirmed or not question:
        return
    hint = "Check the price at fal.ai, then run" if moved else "Run"
    raise BudgetError(question, hint=f"{hint} again with --yes to confirm.")


def _apply_template(args: argparse.Namespace) -> None:
    """Fill the prompt from --template; its aspect ratio and duration unless given."""
    from qcut_ai.core.errors import FieldError, InvalidRequestError
    from qcut_ai.core.templates import parse_vars
    from qcut_ai.services.template_store import TemplateStore

    if args.template is None:
        if args.var:
            raise InvalidRequestError([FieldError("--var", args.var[0], "needs --template")])
        return
    if args.prompt is not None:
        raise InvalidRequestError(
            [FieldError("--prompt", args.prompt, "give either --prompt or --template")]
        )
    rendered = TemplateStore().render(args.template, parse_vars(args.var))
    args.prompt = rendered.prompt
    if args.aspect_ratio is None:
        args.aspect_ratio = rendered.aspect_ratio
    if args.duration is None:
        args.duration = rendered.duration


def run(args: argparse.Namespace) -> int:
    from qcut_ai.commands.interrupts import cancel_at_fal, run_detachable
    from qcut_ai.core.app_dirs import app_dirs
    from qcut_ai.core.catalog import load_catalog
    from qcut_ai.core.job_state import JobState
    from qcut_ai.core.requests import GenerationRequest
    from qcut_ai.engine.batch import BatchRunner, plan
    from qcut_ai.engine.connection import connect
    from qcut_ai.engine.launch import launch_batch
    from qcut_ai.engine.runner import JobRunner
    from qcut_ai.engine.spend_balance import connection_balance
    from qcut_ai.library.project_db import project_database
    from qcut_ai.library.repository import MediaRepository
    from qcut_ai.services.settings_store import SettingsStore

    catalog = load_catalog()
    ids = [m.strip() for group in args.model for m in group.split(",") if m.strip()]
    if not ids:
        from qcut_ai.core.errors import FieldError, InvalidRequestError

        given = " ".join(args.model)
        raise InvalidRequestError(
            [FieldError("--model", given, "names no model; give an id such as wan-2.2-turbo")]
        )
    specs = [catalog.get(i) for i in ids]
    _apply_template(args)
    request = GenerationRequest(
        prompt=args.prompt,
        negative_prompt=args.negative_prompt,
        image=args.image,
        end_image=args.end_image,
        audio=args.audio,
        video=args.video,
        duration=args.duration,
        resolution=args.resolution,
        aspect_ratio=args.aspect_ratio,
        generate_audio=args.generate_audio,
        seed=args.seed,
        extras=_extras(args.set),
    )
    planned = plan(specs, request)  # every model validated before anything is sent
    settings = SettingsStore().load()
    offline = args.offline or settings.offline_preview
    project = project_from(args)
    dirs = app_dirs().ensure()
    with connect(settings, offline=offline) as conn:
        records = launch_batch(
            project,
            planned,
            request,
            settings=settings,
            backend=conn.backend,
            unknown_confirmed=args.yes,
            confirm=lambda jobs: _check_threshold(
                jobs, settings, confirmed=args.yes, rehearsal=conn.offline
            ),
            balance=lambda: connection_balance(conn).usd,
        )
        allowed = conn.allowed_hosts()
        runner = JobRunner(project, conn.gateway, dirs.thumbnails, allowed_hosts=allowed)
        batch = BatchRunner(
            runner, concurrency=settings.concurrency, emit=_Progress(args.quiet or args.json)
        )
        finals, detached = run_detachable(
            batch, [r.id for r in records], project, cancel_at_fal(project, conn)
        )
    if detached:
        return 130
    failures = 0
    with project_database(project) as db:
        repo = MediaRepository(db, project.root)
        for job in finals:
            item = repo.get(job.media_id) if job.media_id is not None else None
            if job.state is JobState.DONE and item is not None:
                if args.json:
                    print_json({**item.to_json(), "job_id": job.id, "request_id": job.request_id})
                else:
                    print(f"{item.display_name}\n  {item.path}")
            else:
                failures += 1
                eprint(f"qcut-ai: {job.model_name}: {job.error or job.state.label}")
    return 0 if failures == 0 else 1
