"""The panel's daily catalogue check, in the network worker (it reads the keyring and
talks to fal's Platform API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from qcut_ai.jobs.tasks import TaskRunner

if TYPE_CHECKING:
    from qcut_ai.services.catalog_sync import SyncReport
    from qcut_ai.services.fal_platform import FalPlatformClient


def check_catalog(
    runner: TaskRunner,
    done: Callable[[bool], None],
    failed: Callable[[str], None],
    *,
    client_factory: Callable[[], FalPlatformClient] | None = None,
) -> None:
    """Sync when the last check is a day old and a key is set; `done(True)` when the
    sync added, retired or brought back models (a failed or blocked one is logged by the sync)."""

    def work(_abort: object, _progress: object) -> bool:
        from qcut_ai.services.catalog_sync import sync_if_stale

        report: SyncReport | None = sync_if_stale(client_factory=client_factory)
        if report is None or not report.applied:
            return False
        return bool(report.added or report.retired or report.returned)

    runner.start(work, done, failed, name="catalogue check")
