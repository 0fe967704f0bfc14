"""Three generated clips written to every format and read back with OpenTimelineIO."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from urllib.parse import unquote, urlparse

import opentimelineio as otio
import pytest

from qcut_ai.core.frame_rate import frame_rate
from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.timeline import InOut
from qcut_ai.interchange import ByIds, ExportFormat, export_selection, selection_to_otio
from qcut_ai.library.repository import MediaRepository
from qcut_ai.services.ffmpeg_tools import run_ffmpeg

# How OpenTimelineIO reads each format back (the EDL needs to be told its rate).
_ADAPTERS = {
    ExportFormat.OTIO: "otio_json",
    ExportFormat.FCP7: "fcp_xml",
    ExportFormat.FCPX: "fcpx_xml",
    ExportFormat.EDL: "cmx_3600",
    ExportFormat.KDENLIVE: "kdenlive",
}


def _read(path: Path, fmt: ExportFormat, rate: Fraction) -> otio.schema.Timeline:
    extra = {"rate": float(rate)} if fmt is ExportFormat.EDL else {}
    obj = otio.adapters.read_from_file(str(path), adapter_name=_ADAPTERS[fmt], **extra)
    assert isinstance(obj, otio.schema.Timeline)
    return obj


def _path(clip: otio.schema.Clip) -> str:
    url = clip.media_reference.target_url
    return unquote(urlparse(url).path) if url.startswith("file:") else url


def _seconds(t: otio.opentime.RationalTime) -> float:
    return float(t.to_seconds())


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_each_format_keeps_names_order_ranges_and_paths(
    fmt: ExportFormat, clips: list[MediaItem], repo: MediaRepository, tmp_path: Path
) -> None:
    first, second, third = clips
    order = (third.id, first.id, second.id)  # the user's order, not the library's
    marks = {first.id: InOut(1.0, 3.5)}  # an In/Out mark on one of them
    out = tmp_path / f"cut{fmt.suffix}"

    result = export_selection(repo, ByIds(order), fmt, out, marks=marks)

    assert result.path == out and result.clips == 3
    rate = frame_rate(first.probe.fps)
    assert rate is not None
    back = _read(out, fmt, rate)
    read = list(back.find_clips())
    expected = [third, first, second]
    names = [c.name for c in read]
    assert names == [i.display_name for i in expected]
    assert [_path(c) for c in read] == [i.path for i in expected]
    for clip, item in zip(read, expected, strict=True):
        source = clip.source_range
        assert source.start_time.rate == pytest.approx(float(rate))
        start, end = (1.0, 3.5) if item.id == first.id else (0.0, item.probe.duration)
        assert _seconds(source.start_time) == pytest.approx(start, abs=0.5 / float(rate))
        assert _seconds(source.end_time_exclusive()) == pytest.approx(end, abs=0.5 / float(rate))
    # The clips play one after another: the timeline lasts the sum of what is used.
    assert _seconds(back.duration()) == pytest.approx(
        third.probe.duration + 2.5 + second.probe.duration, abs=1 / float(rate)
    )


def test_otio_keeps_each_clips_provenance_and_a_marker(
    clips: list[MediaItem], repo: MediaRepository, tmp_path: Path
) -> None:
    out = tmp_path / "cut.otio"
    export_selection(repo, ByIds(tuple(i.id for i in clips)), ExportFormat.OTIO, out)

    back = otio.adapters.read_from_file(str(out))
    for clip, item in zip(back.find_clips(), clips, strict=True):
        prov = item.provenance
        assert prov is not None
        ours = clip.metadata["qcut_ai"]
        assert ours["media_id"] == item.id and ours["sha256"] == item.probe.sha256
        assert ours["model"] == prov.model_id and ours["endpoint"] == prov.endpoint
        assert ours["prompt"] == prov.prompt and ours["seed"] == prov.seed
        assert ours["request_id"] == prov.request_id
        assert ours["cost_estimate_usd"] == pytest.approx(prov.cost_estimate_usd)
        assert ours["lineage"]["parent_id"] == item.parent_id
        (marker,) = clip.markers
        assert prov.model_name in marker.name and prov.prompt in marker.name
        ref = clip.media_reference
        assert _seconds(ref.available_range.duration) == pytest.approx(item.probe.duration)


@pytest.mark.parametrize("fmt", [ExportFormat.FCP7, ExportFormat.FCPX, ExportFormat.EDL])
def test_formats_with_markers_carry_model_and_prompt(
    fmt: ExportFormat, clips: list[MediaItem], repo: MediaRepository, tmp_path: Path
) -> None:
    out = tmp_path / f"cut{fmt.suffix}"
    export_selection(repo, ByIds(tuple(i.id for i in clips)), fmt, out)
    rate = frame_rate(clips[0].probe.fps)
    assert rate is not None
    for clip, item in zip(_read(out, fmt, rate).find_clips(), clips, strict=True):
        prov = item.provenance
        assert prov is not None
        (marker,) = clip.markers
        # An EDL writes its locator comments in capitals.
        assert marker.name.casefold() == f"{prov.model_name}: {prov.prompt}".casefold()


def test_final_cut_clips_carry_a_note_with_the_generation(
    clips: list[MediaItem], repo: MediaRepository, tmp_path: Path
) -> None:
    out = tmp_path / "cut.fcpxml"
    export_selection(repo, ByIds(tuple(i.id for i in clips)), ExportFormat.FCPX, out)
    back = _read(out, ExportFormat.FCPX, Fraction(24))
    for clip, item in zip(back.find_clips(), clips, strict=True):
        prov = item.provenance
        assert prov is not None
        note = clip.media_reference.metadata["fcpx"]["note"]
        assert prov.prompt in note and str(prov.seed) in note and prov.request_id in note


def test_a_bin_export_holds_the_clips_without_a_timeline(
    clips: list[MediaItem], repo: MediaRepository, tmp_path: Path
) -> None:
    ids = tuple(i.id for i in clips)
    obj = selection_to_otio(repo, ByIds(ids), as_bin=True)
    assert isinstance(obj, otio.schema.SerializableCollection)
    assert [c.name for c in obj] == [i.display_name for i in clips]

    out = tmp_path / "bin.fcpxml"
    export_selection(repo, ByIds(ids), ExportFormat.FCPX, out, as_bin=True)
    back = otio.adapters.read_from_file(str(out), adapter_name="fcpx_xml")
    assert isinstance(back, otio.schema.SerializableCollection)
    assert [c.name for c in back] == [i.display_name for i in clips]


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_a_still_and_a_sound_join_the_clips(
    fmt: ExportFormat,
    clips: list[MediaItem],
    project: ProjectPaths,
    repo: MediaRepository,
    tmp_path: Path,
    import_file: Callable[[Path], MediaItem],
) -> None:
    still = project.media / "poster.png"
    sound = project.media / "tone.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x36", "-frames:v", "1", str(still)])
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=1.5", str(sound)])
    picture, tone = import_file(still), import_file(sound)
    ids = (clips[0].id, picture.id, tone.id)
    out = tmp_path / f"mixed{fmt.suffix}"

    result = export_selection(repo, ByIds(ids), fmt, out, marks={picture.id: InOut(0, 2)})

    # A still lasts as marked; a sound plays on A1 after the pictures.
    assert result.duration_s == pytest.approx(clips[0].probe.duration + 2 + 1.5, abs=0.05)
    back = _read(out, fmt, Fraction(24))
    names = [c.name for c in back.find_clips()]
    assert clips[0].display_name in names and picture.display_name in names
    if fmt is not ExportFormat.EDL:  # an EDL holds the picture track only
        assert tone.display_name in names
