"""`qcut-ai template list|save|show|remove`: the user's prompt templates with {variables}."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from qcut_ai.commands.common import add_json_arg, print_json

if TYPE_CHECKING:
    from qcut_ai.core.templates import Template


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("template", help="save and reuse prompt templates with {variables}")
    tsub = p.add_subparsers(dest="template_command", metavar="ACTION", required=True)

    lst = tsub.add_parser("list", help="list saved templates")
    add_json_arg(lst)
    lst.set_defaults(handler=run_list)

    save = tsub.add_parser("save", help="save a template (replaces one with the same name)")
    save.add_argument("--name", required=True)
    save.add_argument(
        "--prompt", required=True, help="prompt with {variables}, e.g. 'A {subject} at dawn'"
    )
    save.add_argument("--aspect-ratio", metavar="A", help="e.g. 9:16, 16:9, 1:1")
    save.add_argument("--duration", type=int, metavar="SECONDS")
    add_json_arg(save)
    save.set_defaults(handler=run_save)

    show = tsub.add_parser("show", help="show a template, or render it with --var values")
    show.add_argument("name")
    show.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fill a variable; repeat for each one",
    )
    add_json_arg(show)
    show.set_defaults(handler=run_show)

    remove = tsub.add_parser("remove", help="delete a saved template")
    remove.add_argument("name")
    add_json_arg(remove)
    remove.set_defaults(handler=run_remove)


def _as_json(template: Template) -> dict[str, Any]:
    return {**template.model_dump(), "variables": list(template.variables)}


def _extras(template: Template) -> str:
    bits = (template.aspect_ratio or "", f"{template.duration} s" if template.duration else "")
    return ", ".join(b for b in bits if b)


def run_list(args: argparse.Namespace) -> int:
    from qcut_ai.services.template_store import TemplateStore

    templates = TemplateStore().list()
    if args.json:
        print_json([_as_json(t) for t in templates])
        return 0
    if not templates:
        print("No templates yet. Save one with: qcut-ai template save --name NAME --prompt TEXT")
        return 0
    for t in templates:
        extras = _extras(t)
        print(f"{t.name}{f'  ({extras})' if extras else ''}")
        print(f"    {t.prompt}")
    return 0


def run_save(args: argparse.Namespace) -> int:
    from qcut_ai.services.template_store import TemplateStore

    template = TemplateStore().save(
        args.name, args.prompt, aspect_ratio=args.aspect_ratio, duration=args.duration
    )
    if args.json:
        print_json(_as_json(template))
    else:
        names = ", ".join("{" + v + "}" for v in template.variables) or "no variables"
        print(f"Saved template '{template.name}' ({names}).")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from qcut_ai.core.templates import parse_vars
    from qcut_ai.services.template_store import TemplateStore

    store = TemplateStore()
    if args.var:
        rendered = store.render(args.name, parse_vars(args.var))
        if args.json:
            print_json(
                {
                    "name": rendered.name,
                    "prompt": rendered.prompt,
                    "aspect_ratio": rendered.aspect_ratio,
                    "duration": rendered.duration,
                }
            )
        else:
            print(rendered.prompt)
        return 0
    template = store.get(args.name)
    if args.json:
        print_json(_as_json(template))
        return 0
    print(template.prompt)
    names = ", ".join(template.variables) or "none"
    extras = _extras(template)
    print(f"variables: {names}" + (f" · {extras}" if extras else ""))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from qcut_ai.services.template_store import TemplateStore

    template = TemplateStore().remove(args.name)
    if args.json:
        print_json(_as_json(template))
    else:
        print(f"Removed template '{template.name}'.")
    return 0
