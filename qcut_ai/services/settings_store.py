"""The user's settings file (JSON in the config dir). The fal key is never stored here."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from qcut_ai.core.app_dirs import AppDirs, app_dirs
from qcut_ai.core.errors import ConfigError
from qcut_ai.core.settings import FIELD_NAMES, Settings

SETTINGS_FILE = "settings.json"


class SettingsStore:
    """Loads and saves Settings atomically."""

    def __init__(self, dirs: AppDirs | None = None) -> None:
        self.path = (dirs or app_dirs()).config / SETTINGS_FILE

    def load(self) -> Settings:
        if not self.path.exists():
            return Settings()
        try:
            return Settings.from_json(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:  # SettingsValueError and bad JSON are ValueErrors
            raise ConfigError(
                f"The settings file {self.path} could not be read.",
                hint="Fix or delete it; defaults are used when it is absent.",
            ) from exc

    def save_changes(self, previous: Settings, edited: Settings) -> Settings:
        """Write only the fields `edited` changed from `previous`, over the file as it is
        now: since `previous` was read, the CLI (a model cap) or the library (its view)
        may have saved something this copy does not hold. The merged settings are
        returned."""
        changed = {
            name: getattr(edited, name)
            for name in FIELD_NAMES
            if getattr(edited, name) != getattr(previous, name)
        }
        try:
            current = self.load()
        except ConfigError:
            current = previous  # a damaged file is replaced by what the user sees
        merged = current.replace(**changed)
        self.save(merged)
        return merged

    def save(self, settings: Settings) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(settings.to_json(), indent=2, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".settings-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise ConfigError(f"Could not save settings to {self.path}: {exc.strerror}.") from exc
