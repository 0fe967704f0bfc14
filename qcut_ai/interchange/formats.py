"""The editors' file formats, what each keeps, and writing one from an OTIO object."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeAlias

import opentimelineio as otio

from qcut_ai.core.errors import InterchangeError
from qcut_ai.interchange.metadata import timeline_rate_of

# A timeline, or a bin (a collection of clips).
OtioObject: TypeAlias = "otio.schema.Timeline | otio.schema.SerializableCollection"


class ExportFormat(StrEnum):
    OTIO = "otio"
    FCP7 = "fcp7"
    FCPX = "fcpx"
    EDL = "edl"
    KDENLIVE = "kdenlive"

    @property
    def suffix(self) -> str:
        return _SUFFIX[self]

    @property
    def label(self) -> str:
        return _LABEL[self]

    @property
    def holds_bins(self) -> bool:
        """True when the format can hold clips without a timeline (a bin)."""
        return self in (ExportFormat.OTIO, ExportFormat.FCPX)

    @property
    def keeps(self) -> str:
        """One sentence for people: which editors read it and what survives."""
        return _KEEPS[self]


_SUFFIX = {
    ExportFormat.OTIO: ".otio",
    ExportFormat.FCP7: ".xml",
    ExportFormat.FCPX: ".fcpxml",
    ExportFormat.EDL: ".edl",
    ExportFormat.KDENLIVE: ".kdenlive",
}
_LABEL = {
    ExportFormat.OTIO: "OpenTimelineIO",
    ExportFormat.FCP7: "FCP 7 XML",
    ExportFormat.FCPX: "FCPXML",
    ExportFormat.EDL: "CMX 3600 EDL",
    ExportFormat.KDENLIVE: "Kdenlive project",
}
_KEEPS = {
    ExportFormat.OTIO: (
        "DaVinci Resolve and Kdenlive 25.04+ open it: every track, name, range and rate, "
        "the file paths, a Model: prompt marker per generated clip and its full provenance "
        "(model, endpoint, prompt, seed, request id, cost, lineage) under metadata qcut_ai."
    ),
    ExportFormat.FCP7: (
        "Premiere Pro and DaVinci Resolve import it: tracks, names, ranges, rates (NTSC "
        "flagged), file paths and the Model: prompt markers; no other provenance."
    ),
    ExportFormat.FCPX: (
        "Final Cut Pro imports it: names, ranges, rates, file paths, the Model: prompt "
        "markers, and a note (model, seed, request id, prompt) and keywords on each clip."
    ),
    ExportFormat.EDL: (
        "Any editor imports it: one video track of events with source and record "
        "timecodes (drop-frame at 29.97/59.94), 8-character reels, names and paths in "
        "comments, Model: prompt as LOC markers; ASCII only."
    ),
    ExportFormat.KDENLIVE: (
        "Kdenlive and MLT (melt) open it: tracks, names, ranges and paths, with each clip's "
        "Model: prompt as a timeline guide; for Kdenlive 25.04+ the .otio keeps more."
    ),
}


def render(obj: OtioObject, fmt: ExportFormat) -> tuple[str, list[str]]:
    """The file's text, and one sentence for each thing the format could not hold as it was."""
    if isinstance(obj, otio.schema.SerializableCollection) and not fmt.holds_bins:
        raise InterchangeError(
            f"{fmt.label} holds timelines, not bins of clips.",
            hint="Export the selection as a timeline, or choose otio or fcpx.",
        )
    if fmt is ExportFormat.OTIO:
        return str(otio.adapters.write_to_string(obj, adapter_name="otio_json")), []
    if fmt is ExportFormat.FCP7:
        return str(otio.adapters.write_to_string(obj, adapter_name="fcp_xml")), []
    if fmt is ExportFormat.FCPX:
        from qcut_ai.interchange.fcpx import write_fcpx

        return write_fcpx(obj), []
    assert isinstance(obj, otio.schema.Timeline)
    if fmt is ExportFormat.EDL:
        from qcut_ai.interchange.edl import write_edl

        return write_edl(obj, timeline_rate_of(obj))
    from qcut_ai.interchange.kdenlive import write_kdenlive

    return write_kdenlive(obj), []
