"""The offline-preview banner, read off the GUI thread.

Whether the panel runs offline depends on the fal key, and reading the key
means the OS keyring (an import of its backends and, with a Secret Service, a
D-Bus round trip): that runs on the database runner like every keyring call,
and the banner is set when the answer arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcut_ai.app.context import AppContext
    from qcut_ai.ui.media_panel import MediaPanel


def show_mode(panel: MediaPanel, context: AppContext) -> None:
    """Set the panel's banner to `context.mode_text()`, read in a worker (newest wins)."""
    panel.services.runners.database.start(
        lambda _abort, _progress: context.mode_text(),
        panel.set_mode_text,
        panel.error_reported.emit,
        key="mode text",
        receiver=panel,
        name="mode text",
    )
