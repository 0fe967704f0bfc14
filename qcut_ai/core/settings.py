"""What the user can set, with safe defaults (stored by qcut_ai.services.settings)."""

from __future__ import annotations

from typing import Annotated, Protocol

from pydantic import BaseModel, Field


class Settings(BaseModel):
    """Everything the user can set, with safe defaults."""

    project_dir: str | None = None
    offline_preview: bool = False
    standin_own_process: bool = False  # preview jobs outlive the window (and resume)
    concurrency: int = Field(default=1, ge=1, le=4)
    poll_interval_s: float = Field(default=1.0, ge=0.05, le=10.0)
    poll_max_interval_s: float = Field(default=2.0, ge=0.05, le=30.0)
    # A job is reported stuck after max(typical × factor, typical + grace) seconds.
    deadline_factor: float = Field(default=4.0, ge=1.0, le=50.0)
    deadline_grace_s: float = Field(default=300.0, ge=0.0)
    daily_budget_usd: float | None = Field(default=None, ge=0)
    project_budget_usd: float | None = Field(default=None, ge=0)
    confirm_above_usd: float = Field(default=2.0, ge=0)
    # Optional daily cap per model id ("veo3.1" -> 10.0), beside the budgets (UTC day).
    model_caps_usd: dict[str, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)
    # The library view as the user left it: thumbnail size, list columns (jobs.library_view_prefs).
    library_view: dict[str, str | int] = Field(default_factory=dict)


class SettingsSaver(Protocol):
    """Where settings are saved (qcut_ai.services.settings_store.SettingsStore)."""

    def save(self, settings: Settings) -> None: ...

    def save_changes(self, previous: Settings, edited: Settings) -> Settings: ...
