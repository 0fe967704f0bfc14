"""What the demo host knows about the user: settings, key, and which fal to talk to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qcut_ai.core.app_dirs import AppDirs, app_dirs
from qcut_ai.core.errors import QcutError
from qcut_ai.core.settings import Settings
from qcut_ai.services.secrets import KeyringStore, resolve_key
from qcut_ai.services.settings_store import SettingsStore

if TYPE_CHECKING:
    from qcut_ai.engine.connection import FalConnection


@dataclass
class AppContext:
    """Decides at each connect whether to run against fal or the offline stand-in,
    so saving a key in Settings switches the panel to real generations."""

    force_offline: bool = False
    dirs: AppDirs = field(default_factory=lambda: app_dirs().ensure())
    store: SettingsStore = field(default_factory=SettingsStore)
    keys: KeyringStore = field(default_factory=KeyringStore)
    settings: Settings = field(init=False)

    def __post_init__(self) -> None:
        self.settings = self.store.load()

    def key_problem(self) -> str | None:
        """None when a key is available, else one sentence saying why not."""
        try:
            return None if resolve_key(self.keys) is not None else "No fal key is configured."
        except QcutError as exc:
            return exc.user_text()

    @property
    def offline(self) -> bool:
        return self.force_offline or self.settings.offline_preview or self.key_problem() is not None

    def connect(self) -> FalConnection:
        # Called in a network worker: fal-client and httpx load there, not before
        # the window's first paint.
        from qcut_ai.engine.connection import connect

        return connect(self.settings, offline=self.offline, store=self.keys)

    def mode_text(self) -> str:
        """The banner: empty when generating for real."""
        if not self.offline:
            return ""
        if self.force_offline or self.settings.offline_preview:
            return (
                "Offline preview is on: generations run against a local stand-in, make "
                "sample clips and cost nothing. Turn it off in Settings to generate for real."
            )
        return (
            f"Offline preview: {self.key_problem()} Generations run against a local stand-in, "
            "make sample clips and cost nothing. Add a key in Settings to generate for real."
        )
