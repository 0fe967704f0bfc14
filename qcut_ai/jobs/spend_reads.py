"""Network reads of the spend view, as plain functions for a worker: the credit left
at fal and the comparison with fal's usage ("Check with fal"). Both only read."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from qcut_ai.core.project import ProjectPaths

if TYPE_CHECKING:
    # The views name these types in annotations only; at run time the engine's
    # spend modules (httpx, sqlite-utils) load in the worker that reads them.
    from qcut_ai.engine.connection import FalConnection
    from qcut_ai.engine.spend_balance import BalanceRead as BalanceRead
    from qcut_ai.engine.spend_reconcile import ReconcileLine as ReconcileLine
    from qcut_ai.engine.spend_reconcile import Reconciliation as Reconciliation

__all__ = ["check_with_fal", "read_balance"]

ConnectionSource = Callable[[], "FalConnection"]


def read_balance(connection: ConnectionSource, *, force: bool = False) -> BalanceRead:
    """The credit left behind the panel's fal connection (unknown offline)."""
    from qcut_ai.engine.spend_balance import connection_balance

    return connection_balance(connection(), force=force)


def check_with_fal(project: ProjectPaths | None, connection: ConnectionSource) -> Reconciliation:
    """Our ledgers (this project and every listed one) beside fal's usage for their days."""
    from qcut_ai.core.errors import QcutError
    from qcut_ai.engine.spend_reconcile import reconcile
    from qcut_ai.engine.spend_registry import registered_projects
    from qcut_ai.services.fal_platform import FalPlatformClient

    conn = connection()
    if conn.offline:
        raise QcutError(
            "Offline preview has no fal account to check with.",
            hint="Turn offline preview off in Settings to compare with fal's numbers.",
        )
    projects = ([project] if project is not None else []) + registered_projects()
    return reconcile(projects, lambda: FalPlatformClient(conn.key.value, base_url=conn.base_url))
