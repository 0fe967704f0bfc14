"""Spend totals by day, by model and by project, from the ledgers of several projects."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from qcut_ai.core.project import ProjectPaths
from qcut_ai.engine.spend_ledger import LedgerEntry, Outcome, read_projects

ZERO = Decimal(0)


@dataclass
class SpendLine:
    """Totals of one group of jobs (a day, a model or a project).

    `jobs` counts the paid attempts: spent + pending + free (failed or
    cancelled, $0). Offline preview jobs are not in any line.
    """

    key: str
    label: str
    spent_usd: Decimal = ZERO
    pending_usd: Decimal = ZERO
    spent_jobs: int = 0
    pending_jobs: int = 0
    free_jobs: int = 0
    unpriced_spent_jobs: int = 0
    unpriced_pending_jobs: int = 0

    @property
    def jobs(self) -> int:
        return self.spent_jobs + self.pending_jobs + self.free_jobs

    @property
    def unpriced_jobs(self) -> int:
        """Spent or pending jobs whose model had no published price: in no dollar total."""
        return self.unpriced_spent_jobs + self.unpriced_pending_jobs

    def add(self, entry: LedgerEntry) -> None:
        unpriced = int(entry.usd is None)
        if entry.outcome is Outcome.SPENT:
            self.spent_jobs += 1
            self.spent_usd += entry.usd or ZERO
            self.unpriced_spent_jobs += unpriced
        elif entry.outcome is Outcome.PENDING:
            self.pending_jobs += 1
            self.pending_usd += entry.usd or ZERO
            self.unpriced_pending_jobs += unpriced
        elif entry.outcome is Outcome.FREE:
            self.free_jobs += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "spent_usd": float(self.spent_usd),
            "pending_usd": float(self.pending_usd),
            "jobs": self.jobs,
            "spent_jobs": self.spent_jobs,
            "pending_jobs": self.pending_jobs,
            "free_jobs": self.free_jobs,
            "unpriced_jobs": self.unpriced_jobs,
        }


@dataclass
class SpendReport:
    """What the user has spent: overall, by UTC day, by model and by project.

    Spent is the estimate of every job fal finished; pending is reserved for
    jobs that may still be billed; failed and cancelled jobs count $0.
    `unpriced_jobs` finished or pending on a model without a published price
    and are in no dollar total. `skipped` lists project folders whose database
    could not be read.
    """

    since: date | None
    projects: list[str]
    total: SpendLine = field(default_factory=lambda: SpendLine("total", "Total"))
    by_day: list[SpendLine] = field(default_factory=list)
    by_model: list[SpendLine] = field(default_factory=list)
    by_project: list[SpendLine] = field(default_factory=list)
    rehearsal_jobs: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def spent_usd(self) -> Decimal:
        return self.total.spent_usd

    @property
    def pending_usd(self) -> Decimal:
        return self.total.pending_usd

    @property
    def jobs(self) -> int:
        return self.total.jobs

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "projects": list(self.projects),
            **self.total.to_json(),
            "rehearsal_jobs": self.rehearsal_jobs,
            "by_day": [{"day": line.key, **line.to_json()} for line in self.by_day],
            "by_model": [
                {"model_id": line.key, "model_name": line.label, **line.to_json()}
                for line in self.by_model
            ],
            "by_project": [{"project": line.key, **line.to_json()} for line in self.by_project],
            "skipped_projects": list(self.skipped),
        }


def _group(entries: Iterable[LedgerEntry], key: str) -> list[SpendLine]:
    lines: dict[str, SpendLine] = {}
    for entry in entries:
        if key == "day":
            k, label = entry.day, entry.day
        elif key == "model":
            k, label = entry.model_id, entry.model_name
        else:
            k, label = entry.project, entry.project
        lines.setdefault(k, SpendLine(k, label)).add(entry)
    return list(lines.values())


def _by_spend(line: SpendLine) -> tuple[Decimal, str]:
    return -(line.spent_usd + line.pending_usd), line.label


def build_report(
    entries: Sequence[LedgerEntry],
    *,
    since: date | None,
    projects: Sequence[str],
    skipped: Sequence[str] = (),
) -> SpendReport:
    """Group ledger entries; days oldest first, models and projects by spend, largest first."""
    paid = [e for e in entries if e.outcome is not Outcome.REHEARSAL]
    report = SpendReport(since=since, projects=list(projects), skipped=list(skipped))
    report.rehearsal_jobs = len(entries) - len(paid)
    for entry in paid:
        report.total.add(entry)
    report.by_day = sorted(_group(paid, "day"), key=lambda line: line.key)
    report.by_model = sorted(_group(paid, "model"), key=_by_spend)
    report.by_project = sorted(_group(paid, "project"), key=_by_spend)
    return report


def spend_report(projects: Sequence[ProjectPaths], since: date | None = None) -> SpendReport:
    """Totals over the given project folders (folders that are gone are skipped)."""
    read = read_projects(projects, since)
    roots = [str(p.root) for p in projects if p.root.is_dir()]
    shown = [r for r in dict.fromkeys(roots) if r not in read.skipped]
    return build_report(read.entries, since=since, projects=shown, skipped=read.skipped)
