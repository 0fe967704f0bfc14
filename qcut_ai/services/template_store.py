"""The user's prompt templates, saved as JSON in the config folder.

The file is replaced atomically, so a crash never leaves half a file.
"""

from __future__ import annotations

import builtins
import difflib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from qcut_ai.core.app_dirs import AppDirs, app_dirs
from qcut_ai.core.errors import ConfigError, FieldError, InvalidRequestError
from qcut_ai.core.templates import (
    MAX_NAME_LENGTH,
    RenderedTemplate,
    Template,
    TemplateFile,
    UnknownTemplateError,
    render_prompt,
)

TEMPLATES_FILE = "templates.json"


class TemplateStore:
    """Lists, saves, finds, removes and renders the user's templates. Names ignore case."""

    def __init__(self, dirs: AppDirs | None = None) -> None:
        self.path: Path = (dirs or app_dirs()).config / TEMPLATES_FILE

    # -- reading ---------------------------------------------------------------
    def _load(self) -> list[Template]:
        if not self.path.exists():
            return []
        try:
            data = TemplateFile.model_validate_json(self.path.read_text(encoding="utf-8"))
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
