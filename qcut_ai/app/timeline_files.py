"""File ▸ Export timeline… and Import timeline… for the demo window.

The timeline goes out as OpenTimelineIO, FCP 7 XML, FCPXML, an EDL or a
Kdenlive project (`qcut_ai.interchange` does the writing, in a worker), and an
`.otio` timeline comes back in with its clips found by path or, when the files
moved, by content.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from qcut_ai.ui.media_panel import MediaPanel
from qcut_ai.ui.timeline import TimelineWidget

if TYPE_CHECKING:
    # The interchange tasks load with the first export or import, not with the window.
    from qcut_ai.interchange.exporter import ExportResult
    from qcut_ai.interchange.importer import ImportResult
    from qcut_ai.jobs.interchange_tasks import FormatChoice


class TimelineFiles(QObject):
    """Signals: said(str): one sentence for the status bar
    exported(object): the ExportResult of a finished export
    imported(object): the ImportResult of a finished import"""

    said = Signal(str)
    exported = Signal(object)
    imported = Signal(object)

    def __init__(self, window: QWidget, panel: MediaPanel, timeline: TimelineWidget) -> None:
        super().__init__(window)
        self._window, self._panel, self._timeline = window, panel, timeline
        self._formats: list[FormatChoice] = []

    # -- export -----------------------------------------------------------------------
    def export(self, out: Path | None = None, fmt: str | None = None) -> None:
        """Ask where (unless `out` is given), then write the timeline there."""
        if not self._timeline.clips:
            self.said.emit("The timeline is empty: drop clips on it before exporting it.")
            return
        if self._panel.project is None:
            self.said.emit("Open a project before exporting its timeline.")
            return
        if self._formats:
            self._export_with(self._formats, out, fmt)
        else:
            from qcut_ai.jobs.interchange_tasks import load_formats

            load_formats(
                self._panel.services.runners.database,
                lambda found: self._export_with(found, out, fmt),
                self.said.emit,
            )

    def _export_with(self, formats: list[FormatChoice], out: Path | None, fmt: str | None) -> None:
        self._formats = formats
        if out is None:
            filters = ";;".join(f.filter for f in formats)
            name, chosen = QFileDialog.getSaveFileName(
                self._window, "Export timeline", f"{self._timeline.timeline.name}.otio", filters
            )
            if not name:
                return
            out = Path(name)
            picked = next((f for f in formats if f.filter == chosen), formats[0])
            if not out.suffix:
                out = out.with_suffix(picked.suffix)
            fmt = fmt or next((f.value for f in formats if f.suffix == out.suffix), picked.value)
        if fmt is None:
            found = next((f for f in formats if f.suffix == out.suffix.lower()), None)
            if found is None:
                self.said.emit(f"{out.name} names no format this exports (use .otio, .xml, …).")
                return
            fmt = found.value
        project = self._panel.project
        assert project is not None
        self.said.emit(f"Exporting the timeline to {out.name}…")
        from qcut_ai.jobs.interchange_tasks import export_timeline

        export_timeline(
            self._panel.services.runners.database,
            project,
            self._timeline.timeline,
            fmt,
            out,
            self._exported,
            self._failed,
        )

    def _exported(self, result: ExportResult) -> None:
        notes = list(result.notes)
        self.said.emit(
            f"Exported {result.clips} clip(s) to {result.path.name}."
            + (f" {len(notes)} note(s): see the details." if notes else "")
        )
        if notes:
            box = QMessageBox(QMessageBox.Icon.Information, "Exported", "\n".join(notes))
            box.setParent(self._window, box.windowFlags())
            box.open()
        self.exported.emit(result)

    # -- import -----------------------------------------------------------------------
    def import_(self, path: Path | None = None) -> None:
        """Ask for an `.otio` file (unless `path` is given) and show it on the timeline;
        Ctrl+Z on the timeline brings the one before back."""
        project = self._panel.project
        if project is None:
            self.said.emit("Open a project before importing a timeline into it.")
            return
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self._window, "Import timeline", "", "OpenTimelineIO (*.otio)"
            )
            if not name:
                return
            path = Path(name)
        from qcut_ai.jobs.interchange_tasks import import_timeline

        import_timeline(
            self._panel.services.runners.database, project, path, self._imported, self._failed
        )

    def _imported(self, result: ImportResult) -> None:
        timeline = result.timeline
        self._timeline.set_timeline(timeline)
        missing, relinked = list(result.missing), result.relinked
        said = f"Imported “{timeline.name}”: {len(list(timeline.clips()))} clip(s)"
        if relinked:
            said += f", {relinked} found where they had moved"
        if missing:
            said += f", {len(missing)} missing ({missing[0]})"
        self.said.emit(said + ".")
        self.imported.emit(result)

    def _failed(self, sentence: str) -> None:
        self.said.emit(sentence)
        self._panel.error_reported.emit(sentence)
