"""The model catalogue: every fal video model qcut-ai offers, loaded from package data.

The data lives in `resources/models.json` (package `qcut_ai.resources`) and is
validated by pydantic when it loads, so a damaged entry fails at start-up
rather than when someone pays for a request.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from qcut_ai.core.catalog_schema import (
    Category,
    FieldSpec,
    FieldType,
    MediaRole,
    ModelSpec,
    PriceSpec,
    PriceUnit,
    Role,
    Tier,
)
from qcut_ai.core.errors import ConfigError, UnknownModelError

__all__ = [
    "Catalog",
    "Category",
    "FieldSpec",
    "FieldType",
    "MediaRole",
    "ModelSpec",
    "PriceSpec",
    "PriceUnit",
    "Role",
    "Tier",
    "load_catalog",
    "parse_catalog",
]


class _CatalogFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    format: Literal[1]
    models: tuple[ModelSpec, ...]


class Catalog:
    """All models, looked up by short id, fal endpoint id or a former endpoint id."""

    def __init__(self, models: Iterable[ModelSpec]) -> None:
        self.models: tuple[ModelSpec, ...] = tuple(models)
        self._index: dict[str, ModelSpec] = {}
        for spec in self.models:
            for key in (spec.id, spec.endpoint, *spec.aliases):
                if key in self._index:
                    raise ConfigError(f"The model catalogue lists '{key}' twice.")
                self._index[key] = spec

    def __iter__(self) -> Iterator[ModelSpec]:
        return iter(self.models)

    def __len__(self) -> int:
        return len(self.models)

    def __contains__(self, id_or_endpoint: object) -> bool:
        return isinstance(id_or_endpoint, str) and self._find(id_or_endpoint) is not None

    def _find(self, id_or_endpoint: str) -> ModelSpec | None:
        key = id_or_endpoint.strip().strip("/")
        return self._index.get(key) or self._index.get(key.lower())

    def get(self, id_or_endpoint: str) -> ModelSpec:
        """The model with this short id or endpoint; UnknownModelError names close matches."""
        spec = self._find(id_or_endpoint)
        if spec is not None:
            return spec
        close = difflib.get_close_matches(id_or_endpoint.strip(), list(self._index), n=3)
        hint = "Run `qcut-ai models` to list them."
        if close:
            hint = f"Did you mean {', '.join(close)}? " + hint
        raise UnknownModelError(f"No model '{id_or_endpoint}' in the catalogue.", hint=hint)

    def in_category(self, category: Category | str) -> list[ModelSpec]:
        """Models offered in a category, recommended ones first, otherwise in catalogue order."""
        try:
            wanted = Category(category)
        except ValueError:
            choices = ", ".join(c.value for c in Category)
            raise UnknownModelError(
                f"No category '{category}' in the catalogue.", hint=f"Choose one of {choices}."
            ) from None
        found = [s for s in self.models if wanted in s.categories]
        return sorted(found, key=lambda s: not s.recommended)


def parse_catalog(text: str) -> Catalog:
    """A catalogue from JSON text in the `resources/models.json` format."""
    try:
        data = _CatalogFile.model_validate_json(text)
    except ValidationError as exc:
        raise ConfigError(
            f"The model catalogue is damaged ({exc.error_count()} problems: {exc.errors()[0]}).",
            hint="Reinstall qcut-ai.",
        ) from exc
    return Catalog(data.models)


def _catalog_text() -> str:
    try:
        return (resources.files("qcut_ai.resources") / "models.json").read_text("utf-8")
    except ModuleNotFoundError:
        # Running from a source checkout that was not installed: the package
        # mapping in pyproject.toml does not exist yet, so read the folder.
        checkout = Path(__file__).resolve().parents[2] / "resources" / "models.json"
        return checkout.read_text("utf-8")


@functools.cache
def load_catalog() -> Catalog:
    """The shipped catalogue, parsed once per process."""
    return parse_catalog(_catalog_text())
