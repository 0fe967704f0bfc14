"""Prompt templates, the pure parts: prompts with `{variables}` and how they render.

A template such as "A {subject} walking through {place} at dawn" is rendered
with values for `subject` and `place`; a missing value is an error that names
it, never a prompt with a hole in it. Write `{{` and `}}` for literal braces.
`qcut_ai.services.templates.TemplateStore` keeps them in the config folder;
views take any `TemplateLibrary`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from qcut_ai.core.errors import FieldError, InvalidRequestError, QcutError

# `list` is also a method name of TemplateLibrary below.
builtins_list = list
MAX_NAME_LENGTH = 80

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class UnknownTemplateError(QcutError):
    """No saved template has the name the user gave."""


class MissingTemplateValueError(InvalidRequestError):
    """A template was rendered without a value for one or more of its variables."""

    def __init__(self, template: str, missing: Iterable[str]) -> None:
        self.template = template
        self.missing = tuple(missing)
        names = ", ".join("{" + m + "}" for m in self.missing)
        super().__init__([FieldError(f"template '{template}'", None, f"needs a value for {names}")])
        self.hint = (
            "Give each variable a value (on the command line: --var name=value); nothing was sent."
        )


def template_variables(prompt: str) -> tuple[str, ...]:
    """The variable names in a template prompt, in order of first use."""
    seen: dict[str, None] = {}
    for match in _TOKEN.finditer(prompt):
        if match.group(1):
            seen.setdefault(match.group(1), None)
    return tuple(seen)


class Template(BaseModel):
    """One saved template: a prompt with variables, plus optional aspect ratio and duration."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH)
    prompt: str = Field(min_length=1)
    aspect_ratio: str | None = None
    duration: int | None = Field(default=None, ge=1, le=600)

    @property
    def variables(self) -> tuple[str, ...]:
        return template_variables(self.prompt)


@dataclass(frozen=True)
class RenderedTemplate:
    """A template with every variable filled in, ready for a GenerationRequest."""

    name: str
    prompt: str
    aspect_ratio: str | None
    duration: int | None


class TemplateFile(BaseModel):
    model_config = ConfigDict(extra="ignore")
    format: int = 1
    templates: list[Template] = Field(default_factory=list)


def render_prompt(
    template: Template, values: Mapping[str, str], *, strict: bool = True
) -> RenderedTemplate:
    """Fill the template's variables; blank values count as missing.

    With `strict`, a value for a variable the template does not have is an
    error too, because it is almost always a typo.
    """
    given = {k: v for k, v in values.items() if v is not None and str(v).strip()}
    missing = [name for name in template.variables if name not in given]
    if missing:
        raise MissingTemplateValueError(template.name, missing)
    unused = sorted(set(values) - set(template.variables))
    if strict and unused:
        known = ", ".join(template.variables) or "none"
        raise InvalidRequestError(
            [
                FieldError(
                    f"template '{template.name}'",
                    unused,
                    f"has no variable {', '.join(unused)}; its variables are {known}",
                )
            ]
        )

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return str(given[match.group(1)]).strip()

    return RenderedTemplate(
        template.name, _TOKEN.sub(fill, template.prompt), template.aspect_ratio, template.duration
    )


def parse_vars(pairs: Iterable[str]) -> dict[str, str]:
    """`["subject=fox", "place=a snowy forest"]` -> a dict; the last value of a name wins."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not _NAME.fullmatch(name):
            raise InvalidRequestError(
                [FieldError("--var", pair, "use NAME=VALUE, e.g. subject=fox")]
            )
        values[name] = value
    return values


class TemplateLibrary(Protocol):
    """Where templates are kept (TemplateStore in the config folder, or a test's store)."""

    def list(self) -> builtins_list[Template]: ...

    def get(self, name: str) -> Template: ...

    def save(
        self,
        name: str,
        prompt: str,
        *,
        aspect_ratio: str | None = None,
        duration: int | None = None,
    ) -> Template: ...

    def remove(self, name: str) -> Template: ...

    def render(self, name: str, values: Mapping[str, str]) -> RenderedTemplate: ...
