"""What the user can set, with safe defaults (stored by qcut_ai.services.settings_store).

A plain frozen dataclass, checked when made: the window reads it before its
first paint, and the checks are a few comparisons, where a validation library
would cost the start more than anything else it does before that paint.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# Each bounded number: (least, most); None is no bound.
_RANGES: dict[str, tuple[float | None, float | None]] = {
    "concurrency": (1, 4),
    "poll_interval_s": (0.05, 10.0),
    "poll_max_interval_s": (0.05, 30.0),
    "deadline_factor": (1.0, 50.0),
    "deadline_grace_s": (0.0, None),
    "daily_budget_usd": (0, None),
    "project_budget_usd": (0, None),
    "confirm_above_usd": (0, None),
}


class SettingsValueError(ValueError):
    """A setting outside what it may be; the message names it and says why."""


@dataclass(frozen=True)
class Settings:
    """Everything the user can set, with safe defaults."""

    project_dir: str | None = None
    offline_preview: bool = False
    standin_own_process: bool = False  # preview jobs outlive the window (and resume)
    concurrency: int = 1
    poll_interval_s: float = 1.0
    poll_max_interval_s: float = 2.0
    # A job is reported stuck after max(typical × factor, typical + grace) seconds.
    deadline_factor: float = 4.0
    deadline_grace_s: float = 300.0
    daily_budget_usd: float | None = None
    project_budget_usd: float | None = None
    confirm_above_usd: float = 2.0
    # Optional daily cap per model id ("veo3.1" -> 10.0), beside the budgets (UTC day).
    model_caps_usd: dict[str, float] = field(default_factory=dict)
    # The library view as the user left it: thumbnail size, list columns (jobs.library_view_prefs).
    library_view: dict[str, str | int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, _checked(f.name, getattr(self, f.name)))

    def replace(self, **changes: Any) -> Settings:
        """A copy with `changes`, checked like a new one."""
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (the dicts copied)."""
        return {
            f.name: dict(value) if isinstance(value := getattr(self, f.name), dict) else value
            for f in dataclasses.fields(self)
        }

    @classmethod
    def from_json(cls, data: object) -> Settings:
        """Settings from parsed JSON; names this version does not know are left out (a
        newer version may have written them). Raises SettingsValueError."""
        if not isinstance(data, Mapping):
            raise SettingsValueError("The settings are not a JSON object.")
        return cls(**{name: data[name] for name in FIELD_NAMES if name in data})


def _checked(name: str, value: Any) -> Any:
    if name == "project_dir":
        if value is not None and not isinstance(value, str):
            raise SettingsValueError(f"project_dir must be a folder path, not {value!r}.")
        return value
    if name in ("offline_preview", "standin_own_process"):
        if not isinstance(value, bool):
            raise SettingsValueError(f"{name} must be true or false, not {value!r}.")
        return value
    if name == "model_caps_usd":
        if not isinstance(value, Mapping):
            raise SettingsValueError("model_caps_usd must map model ids to dollars.")
        return {str(k): _number(f"The cap of {k}", v, 0, None) for k, v in value.items()}
    if name == "library_view":
        if not isinstance(value, Mapping) or not all(
            isinstance(v, str | int) and not isinstance(v, bool) for v in value.values()
        ):
            raise SettingsValueError("library_view must map names to text or whole numbers.")
        return {str(k): v for k, v in value.items()}
    least, most = _RANGES[name]
    if value is None and name in ("daily_budget_usd", "project_budget_usd"):
        return None
    if name == "concurrency":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsValueError(f"concurrency must be a whole number, not {value!r}.")
        return int(_number(name, value, least, most))
    return _number(name, value, least, most)


def _number(name: str, value: Any, least: float | None, most: float | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SettingsValueError(f"{name} must be a number, not {value!r}.")
    if (least is not None and value < least) or (most is not None and value > most):
        bounds = f"between {least:g} and {most:g}" if most is not None else f"at least {least:g}"
        raise SettingsValueError(f"{name} must be {bounds}; it is {value:g}.")
    return float(value)


FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Settings))


class SettingsSaver(Protocol):
    """Where settings are saved (qcut_ai.services.settings_store.SettingsStore)."""

    def save(self, settings: Settings) -> None: ...

    def save_changes(self, previous: Settings, edited: Settings) -> Settings: ...
