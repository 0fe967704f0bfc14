"""Export and import of editors' files, run in the database worker.

OpenTimelineIO and its adapters take a third of a second to import, and an
export reads the library and writes a file: none of that belongs on the GUI
thread, so even the list of formats a file dialog offers is read here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.timeline import InOut, Timeline
from qcut_ai.jobs.tasks import TaskRunner

if TYPE_CHECKING:
    from qcut_ai.interchange.exporter import ExportResult
    from qcut_ai.interchange.importer import ImportResult
    from qcut_ai.library.repository import MediaRepository

Failed = Callable[[str], None]


@dataclass(frozen=True)
class FormatChoice:
    """One format a file dialog offers."""

    value: str
    label: str
    suffix: str
    keeps: str
    holds_bins: bool

    @property
    def filter(self) -> str:
        return f"{self.label} (*{self.suffix})"


def _formats() -> list[FormatChoice]:
    from qcut_ai.interchange.formats import ExportFormat

    return [FormatChoice(f.value, f.label, f.suffix, f.keeps, f.holds_bins) for f in ExportFormat]


def load_formats(
    runner: TaskRunner, done: Callable[[list[FormatChoice]], None], failed: Failed
) -> None:
    runner.start(lambda _a, _p: _formats(), done, failed, name="export formats")


def _with_repo(project: ProjectPaths, fn: Callable[[MediaRepository], Any]) -> Any:
    from qcut_ai.library.project_db import project_database
    from qcut_ai.library.repository import MediaRepository

    with project_database(project) as db:
        return fn(MediaRepository(db, project.root))


def export_timeline(
    runner: TaskRunner,
    project: ProjectPaths,
    timeline: Timeline,
    fmt: str,
    out: Path,
    done: Callable[[ExportResult], None],
    failed: Failed,
) -> None:
    """Write `timeline` as `fmt` (an `ExportFormat` value) to `out`."""

    def work(_abort: object, _progress: object) -> ExportResult:
        from qcut_ai.interchange.exporter import export_timeline as write
        from qcut_ai.interchange.formats import ExportFormat

        return _with_repo(project, lambda repo: write(repo, timeline, ExportFormat(fmt), out))

    runner.start(work, done, failed, name="export timeline")


def export_selection(
    runner: TaskRunner,
    project: ProjectPaths,
    ids: Sequence[int],
    fmt: str,
    out: Path,
    done: Callable[[ExportResult], None],
    failed: Failed,
    *,
    marks: Mapping[int, InOut] | None = None,
    as_bin: bool = False,
) -> None:
    """Write library items `ids`, in that order, as a timeline (or a bin) to `out`."""

    def work(_abort: object, _progress: object) -> ExportResult:
        from qcut_ai.interchange.exporter import export_selection as write
        from qcut_ai.interchange.formats import ExportFormat
        from qcut_ai.interchange.selection import ByIds

        def run(repo: MediaRepository) -> ExportResult:
            query = ByIds(tuple(ids))
            return write(repo, query, ExportFormat(fmt), out, marks=marks, as_bin=as_bin)

        return _with_repo(project, run)

    runner.start(work, done, failed, name="export selection")


def selection_otio(
    runner: TaskRunner,
    project: ProjectPaths,
    ids: Sequence[int],
    done: Callable[[Any], None],
    failed: Failed,
    *,
    marks: Mapping[int, InOut] | None = None,
    as_bin: bool = False,
) -> None:
    """The OTIO object of library items `ids` (a timeline, or a bin), for a host."""

    def work(_abort: object, _progress: object) -> Any:
        from qcut_ai.interchange.exporter import selection_to_otio
        from qcut_ai.interchange.selection import ByIds

        return _with_repo(
            project,
            lambda repo: selection_to_otio(repo, ByIds(tuple(ids)), marks=marks, as_bin=as_bin),
        )

    runner.start(work, done, failed, name="selection as OTIO")


def import_timeline(
    runner: TaskRunner,
    project: ProjectPaths,
    path: Path,
    done: Callable[[ImportResult], None],
    failed: Failed,
) -> None:
    """Read an `.otio` timeline, finding moved files beside it and in the project's media."""

    def work(_abort: object, _progress: object) -> ImportResult:
        from qcut_ai.interchange.importer import import_timeline as read

        return _with_repo(project, lambda repo: read(repo, path, search=[project.media]))

    runner.start(work, done, failed, name="import timeline")
