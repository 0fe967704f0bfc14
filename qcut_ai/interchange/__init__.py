"""Editorial interchange: library items and timelines to and from editors' files.

Built on OpenTimelineIO and its adapters; nothing here imports Qt, and
nothing outside this package imports OpenTimelineIO. It sits beside `engine`
(`commands | engine | interchange > services | library > core`): it reads the
library and writes files, and the job engine has no part in it.

What callers use:

- `selection_to_otio(repo, ByIds(ids), marks=...)` and `timeline_to_otio(repo,
  timeline)`: the OTIO object, no file (the host contract of `MediaPanel`);
- `export_selection(...)` / `export_timeline(...)`: write otio, fcp7, fcpx,
  edl or kdenlive, returning an `ExportResult` with one note per clip that the
  format could not hold as it was;
- `import_timeline(repo, path)`: an `.otio` file back into a `Timeline`.
"""

from __future__ import annotations

from qcut_ai.interchange.exporter import (
    ExportResult,
    export_selection,
    export_timeline,
    selection_to_otio,
    timeline_to_otio,
    write,
)
from qcut_ai.interchange.formats import ExportFormat
from qcut_ai.interchange.importer import ImportResult, import_timeline, read_otio
from qcut_ai.interchange.metadata import NAMESPACE
from qcut_ai.interchange.selection import ByIds, InBin, ItemQuery, string_out

__all__ = [
    "NAMESPACE",
    "ByIds",
    "ExportFormat",
    "ExportResult",
    "ImportResult",
    "InBin",
    "ItemQuery",
    "export_selection",
    "export_timeline",
    "import_timeline",
    "read_otio",
    "selection_to_otio",
    "string_out",
    "timeline_to_otio",
    "write",
]
