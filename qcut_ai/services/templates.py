"""The user's prompt templates: prompts with `{variables}`, saved as JSON in the config folder.

A template such as "A {subject} walking through {place} at dawn" is rendered
with values for `subject` and `place`; a missing value is an error that names
it, never a prompt with a hole in it. Write `{{` and `}}` for literal braces.
The file is replaced atomically, so a crash never leaves half a file.
"""

from __future__ import annotations

import builtins
import difflib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from qcut_ai.core.errors import ConfigError, FieldError, InvalidRequestError, QcutError
from qcut_ai.services.paths import AppDirs, app_dirs

__all__ = [
    "TEMPLATES_FILE",
    "MissingTemplateValueError",
    "RenderedTemplate",
    "Template",
    "TemplateStore",
    "UnknownTemplateError",
    "parse_vars",
    "template_variables",
]

TEMPLATES_FILE = "templates.json"
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


class _TemplateFile(BaseModel):
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


class TemplateStore:
    """Lists, saves, finds, removes and renders the user's templates. Names ignore case."""

    def __init__(self, dirs: AppDirs | None = None) -> None:
        self.path: Path = (dirs or app_dirs()).config / TEMPLATES_FILE

    # -- reading ---------------------------------------------------------------
    def _load(self) -> list[Template]:
        if not self.path.exists():
            return []
        try:
            data = _TemplateFile.model_validate_json(self.path.read_text(encoding="utf-8"))
        except (OSError, ValidationError, ValueError) as exc:
            raise ConfigError(
                f"The templates file {self.path} could not be read.",
                hint="Fix it or move it away; a new one is started when it is absent.",
            ) from exc
        return data.templates

    def list(self) -> list[Template]:
        """All templates, sorted by name."""
        return sorted(self._load(), key=lambda t: t.name.lower())

    def get(self, name: str) -> Template:
        """The template with this name; UnknownTemplateError names close matches."""
        templates = self._load()
        key = name.strip().lower()
        for template in templates:
            if template.name.lower() == key:
                return template
        names = {t.name.lower(): t.name for t in templates}
        close = [names[c] for c in difflib.get_close_matches(key, list(names), n=3)]
        hint = "Run `qcut-ai template list` to see them."
        if close:
            hint = f"Did you mean {', '.join(close)}? " + hint
        elif not names:
            hint = "No templates are saved yet; save one with `qcut-ai template save`."
        raise UnknownTemplateError(f"No template named '{name.strip()}'.", hint=hint)

    # -- writing ---------------------------------------------------------------
    def save(
        self,
        name: str,
        prompt: str,
        *,
        aspect_ratio: str | None = None,
        duration: int | None = None,
    ) -> Template:
        """Save (or replace) a template; the name and prompt must not be blank."""
        problems: list[FieldError] = []
        if not name.strip():
            problems.append(FieldError("name", name, "is empty; give the template a name"))
        elif len(name.strip()) > MAX_NAME_LENGTH:
            problems.append(FieldError("name", name, f"is over {MAX_NAME_LENGTH} characters"))
        if not prompt.strip():
            problems.append(FieldError("prompt", prompt, "is empty; write the template's prompt"))
        if duration is not None and not 1 <= duration <= 600:
            problems.append(FieldError("duration", duration, "must be 1 to 600 seconds"))
        if problems:
            raise InvalidRequestError(problems)
        template = Template(
            name=name.strip(),
            prompt=prompt.strip(),
            aspect_ratio=(aspect_ratio or "").strip() or None,
            duration=duration,
        )
        others = [t for t in self._load() if t.name.lower() != template.name.lower()]
        self._write([*others, template])
        return template

    def remove(self, name: str) -> Template:
        """Remove a template and return it; UnknownTemplateError if there is none."""
        template = self.get(name)
        self._write([t for t in self._load() if t.name.lower() != template.name.lower()])
        return template

    def render(
        self, name: str, values: Mapping[str, str], *, strict: bool = True
    ) -> RenderedTemplate:
        """The named template with its variables filled in (see `render_prompt`)."""
        return render_prompt(self.get(name), values, strict=strict)

    def _write(self, templates: builtins.list[Template]) -> None:
        data = {
            "format": 1,
            "templates": [t.model_dump() for t in sorted(templates, key=lambda t: t.name.lower())],
        }
        text = json.dumps(data, indent=2, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".templates-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise ConfigError(
                f"The templates file {self.path} could not be written ({exc.strerror}).",
                hint="Check that the config folder is writable and the disk is not full.",
            ) from exc
