"""Exporting library items to an editor's file from the panel: formats and the worker.

The view offers `export_formats()` in its file dialog and starts `export_items`
on a worker: OpenTimelineIO and the file write never run on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from qcut_ai.core.errors import QcutError
from qcut_ai.core.project import ProjectPaths


@dataclass(frozen=True)
class FormatChoice:
    """One entry of the export dialog: the format's value, its label and suffix."""

    value: str
    label: str
    suffix: str

    @property
    def name_filter(self) -> str:
        return f"{self.label} (*{self.suffix})"


@cache
def export_formats() -> tuple[FormatChoice, ...]:
    """The formats, read when the dialog first opens: importing `qcut_ai.interchange`
    (OpenTimelineIO, the repository) with the library view would slow the first paint."""
    from qcut_ai.interchange.formats import ExportFormat

    return tuple(FormatChoice(f.value, f.label, f.suffix) for f in ExportFormat)


@dataclass(frozen=True)
class ExportOutcome:
    """What an export did: the file written (None when it failed), clips, and the
    one-sentence warnings (per clip) or the error."""

    path: Path | None
    clips: int
    notes: list[str]
    error: str | None = None


def format_of(name_filter: str, path: Path) -> FormatChoice:
    """The format the user chose: by the dialog's filter, else by the file's suffix."""
    formats = export_formats()
    for choice in formats:
        if choice.name_filter == name_filter:
            return choice
    for choice in formats:
        if path.suffix.lower() == choice.suffix:
            return choice
    return formats[0]


def export_items(
    project: ProjectPaths, media_ids: Sequence[int], fmt: str, out: Path
) -> ExportOutcome:
    """Write the items, in this order, as a timeline to `out` (workers only)."""
    from qcut_ai.interchange import ByIds, export_selection
    from qcut_ai.interchange.formats import ExportFormat
    from qcut_ai.library.project_db import project_database
    from qcut_ai.library.repository import MediaRepository

    chosen = ExportFormat(fmt)
    target = out if out.suffix else out.with_suffix(chosen.suffix)
    try:
        with project_database(project) as db:
            repo = MediaRepository(db, project.root)
            result = export_selection(repo, ByIds(tuple(media_ids)), chosen, target)
    except QcutError as exc:
        return ExportOutcome(None, 0, [], exc.user_text())
    return ExportOutcome(result.path, result.clips, list(result.notes))
