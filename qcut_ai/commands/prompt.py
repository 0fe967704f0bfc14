"""`qcut-ai prompt build|enhance|presets`: assemble a prompt from parts, or let an LLM enrich it.

`build` and `presets` are free and offline. `enhance` is a paid fal call and
needs --yes, unless it runs against the offline stand-in.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from qcut_ai.commands.common import add_json_arg, eprint, print_json

if TYPE_CHECKING:
    from qcut_ai.core.catalog import ModelSpec
    from qcut_ai.core.prompt_builder import LengthCheck


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("prompt", help="build a prompt from parts, or enhance one with AI")
    psub = p.add_subparsers(dest="prompt_command", metavar="ACTION", required=True)

    build = psub.add_parser("build", help="assemble a prompt from structured parts")
    build.add_argument("--subject", default="", help="who or what, the hook of the clip")
    build.add_argument(
        "--scene", action="append", default=[], help="what happens; repeat for up to 3 scenes"
    )
    build.add_argument(
        "--camera",
        action="append",
        default=[],
        metavar="MOVE",
        help="camera move (see `qcut-ai prompt presets`) or your own words; repeatable",
    )
    build.add_argument("--lighting", default="")
    build.add_argument("--style", default="", help="a style preset or your own words")
    build.add_argument("--mood", default="")
    build.add_argument("--platform", default="", help="reels, tiktok, shorts, youtube or square")
    _add_models(build, "write camera moves and check the length for these models")
    add_json_arg(build)
    build.set_defaults(handler=run_build)

    enh = psub.add_parser("enhance", help="rewrite a prompt with an LLM on fal (paid)")
    enh.add_argument("--prompt", required=True, help="the draft to enrich")
    _add_models(enh, "the video model(s) the prompt is for")
    enh.add_argument("--offline", action="store_true", help="use the built-in fal stand-in")
    enh.add_argument("--yes", action="store_true", help="confirm the paid call")
    add_json_arg(enh)
    enh.set_defaults(handler=run_enhance)

    presets = psub.add_parser("presets", help="list styles, platforms and camera moves")
    add_json_arg(presets)
    presets.set_defaults(handler=run_presets)


def _add_models(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument(
        "--model", action="append", default=[], metavar="ID", help=text + "; repeatable"
    )


def _specs(groups: list[str]) -> list[ModelSpec]:
    from qcut_ai.core.catalog import load_catalog

    catalog = load_catalog()
    ids = [m.strip() for group in groups for m in group.split(",") if m.strip()]
    return [catalog.get(i) for i in ids]


def _lengths_json(checks: list[LengthCheck]) -> list[dict[str, Any]]:
    return [
        {
            "model": c.model_id,
            "length": c.length,
            "limit": c.limit,
            "verdict": c.verdict.value,
            "text": c.text(),
        }
        for c in checks
    ]


def _warn_lengths(checks: list[LengthCheck]) -> None:
    for check in checks:
        if not check.ok:
            eprint(f"qcut-ai: warning: {check.text()}")


def run_build(args: argparse.Namespace) -> int:
    from qcut_ai.core.errors import FieldError, InvalidRequestError
    from qcut_ai.core.prompt_builder import PromptParts, build_prompt, check_lengths
    from qcut_ai.core.prompt_presets import PLATFORMS, platform_preset

    platform = platform_preset(args.platform) if args.platform.strip() else None
    if args.platform.strip() and platform is None:
        names = ", ".join(p.id for p in PLATFORMS)
        raise InvalidRequestError([FieldError("--platform", args.platform, f"choose {names}")])
    parts = PromptParts(
        subject=args.subject,
        scenes=tuple(args.scene),
        camera=tuple(args.camera),
        lighting=args.lighting,
        style=args.style,
        mood=args.mood,
        platform=args.platform,
    )
    if parts.empty:
        raise InvalidRequestError(
            [FieldError("--subject", "", "is empty; give at least a subject or a scene")]
        )
    specs = _specs(args.model)
    prompt = build_prompt(parts, specs)
    checks = check_lengths(prompt, specs)
    if args.json:
        print_json(
            {
                "prompt": prompt,
                "aspect_ratio": platform.aspect_ratio if platform else None,
                "duration": platform.duration if platform else None,
                "lengths": _lengths_json(checks),
            }
        )
        return 0
    print(prompt)
    if platform is not None:
        eprint(f"{platform.label}: aspect ratio {platform.aspect_ratio}, {platform.duration} s")
    _warn_lengths(checks)
    return 0


def run_enhance(args: argparse.Namespace) -> int:
    from qcut_ai.core.enhance_prompt import enhance_price
    from qcut_ai.core.errors import BudgetError
    from qcut_ai.engine.connection import connect
    from qcut_ai.engine.enhance import enhance
    from qcut_ai.services.settings_store import SettingsStore

    specs = _specs(args.model)
    settings = SettingsStore().load()
    offline = args.offline or settings.offline_preview
    price = enhance_price()
    if not offline and not args.yes:
        raise BudgetError(
            f"Enhancing a prompt is a paid fal call of about {price.text()} ({price.grade_text}).",
            hint="Run again with --yes to confirm, or with --offline to preview it for free.",
        )
    with connect(settings, offline=offline) as conn:
        result = enhance(conn.gateway(), args.prompt, specs)
    if args.json:
        print_json(
            {
                "prompt": result.prompt,
                "draft": result.draft,
                "offline": offline,
                "price_usd": None if offline or price.usd is None else str(price.usd),
                "price_text": "free (offline preview)" if offline else price.text(),
                "price_grade": price.grade,
                "request_id": result.request_id,
                "endpoint": result.endpoint,
                "lengths": _lengths_json(list(result.lengths)),
            }
        )
        return 0
    print(result.prompt)
    cost = "offline preview, nothing charged" if offline else f"about {price.text()}"
    eprint(f"Enhanced with {result.endpoint} ({cost}) · request {result.request_id}")
    _warn_lengths(list(result.lengths))
    return 0


def run_presets(args: argparse.Namespace) -> int:
    from qcut_ai.core.prompt_presets import CAMERA_MOVES, PLATFORMS, STYLES, SUGGESTIONS

    if args.json:
        print_json(
            {
                "styles": [{"id": s.id, "label": s.label, "look": s.look} for s in STYLES],
                "platforms": [
                    {
                        "id": p.id,
                        "label": p.label,
                        "aspect_ratio": p.aspect_ratio,
                        "duration": p.duration,
                    }
                    for p in PLATFORMS
                ],
                "camera": [
                    {"id": m.id, "label": m.label, "keyword": m.keyword} for m in CAMERA_MOVES
                ],
                "suggestions": [s.label for s in SUGGESTIONS],
            }
        )
        return 0
    print("Styles:    " + ", ".join(s.id for s in STYLES))
    print(
        "Platforms: " + ", ".join(f"{p.id} ({p.aspect_ratio}, {p.duration} s)" for p in PLATFORMS)
    )
    print("Camera:    " + ", ".join(m.id for m in CAMERA_MOVES))
    print("           bracket commands such as [Pan left] are written for MiniMax Hailuo models")
    return 0
