"""The EDL: drop-frame timecodes at 29.97, reels that readers accept, ASCII only."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

import opentimelineio as otio

from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.timeline import InOut
from qcut_ai.interchange import ByIds, ExportFormat, export_selection
from qcut_ai.library.repository import MediaRepository

NTSC = 30000 / 1001


def _drop_frame(frame: int) -> str:
    """SMPTE drop-frame timecode at 29.97: frames ;00 and ;01 skipped each minute but every 10th."""
    tens, rest = divmod(frame, 17982)
    frame += 18 * tens + (2 * ((rest - 2) // 1798) if rest >= 2 else 0)
    hours, frame = divmod(frame, 108000)
    minutes, frame = divmod(frame, 1800)
    seconds, frames = divmod(frame, 30)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d};{frames:02d}"


def _events(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines() if line[:3].isdigit()]


def test_a_2997_clip_has_drop_frame_timecodes_past_the_first_minute(
    project: ProjectPaths,
    repo: MediaRepository,
    tmp_path: Path,
    make_video: Callable[..., Path],
    import_file: Callable[[Path], MediaItem],
) -> None:
    item = import_file(make_video(project.media / "ntsc.mp4", rate="30000/1001", seconds=62))
    out = tmp_path / "ntsc.edl"

    export_selection(repo, ByIds((item.id,)), ExportFormat.EDL, out, marks={item.id: InOut(10, 61)})

    text = out.read_text(encoding="ascii")
    assert "FCM: DROP FRAME" in text.splitlines()[:3]
    ((number, reel, kind, cut, src_in, src_out, rec_in, rec_out),) = _events(text)
    first, last = round(10 * NTSC), round(61 * NTSC)  # the marks, to the nearest frame
    assert (number, kind, cut) == ("001", "V", "C")
    assert (src_in, src_out) == (_drop_frame(first), _drop_frame(last))
    assert (rec_in, rec_out) == (_drop_frame(0), _drop_frame(last - first))
    assert src_out.startswith("00:01:01;")  # the minute boundary was counted drop-frame
    # OpenTimelineIO reads the same frames back at 29.97.
    back = otio.adapters.read_from_file(str(out), adapter_name="cmx_3600", rate=NTSC)
    (clip,) = back.find_clips()
    assert clip.source_range.start_time.value == first
    assert clip.source_range.duration.value == last - first
    assert reel.isalnum() and len(reel) <= 8


def test_reels_are_unique_and_readable_for_generated_file_names(
    clips: list[MediaItem], repo: MediaRepository, tmp_path: Path
) -> None:
    out = tmp_path / "cut.edl"
    result = export_selection(repo, ByIds(tuple(i.id for i in clips)), ExportFormat.EDL, out)

    reels = [event[1] for event in _events(out.read_text(encoding="ascii"))]
    # The adapter alone gave every "AI (Wan 2.2 Turbo) - …" file the reel "AI Wan 2".
    assert len(set(reels)) == 3 and all(r.isalnum() and len(r) <= 8 for r in reels)
    for item, reel in zip(clips, reels, strict=True):
        (note,) = [n for n in result.notes if item.display_name in n]
        assert reel in note


def test_a_non_ascii_path_is_written_encoded_and_reported_once_for_its_clip(
    generate: Callable[[str], MediaItem],
    clips: list[MediaItem],
    repo: MediaRepository,
    tmp_path: Path,
) -> None:
    odd = generate("Ñandú corriendo al amanecer — café")
    assert not odd.path.isascii()  # the prompt is in the file name
    ids = (clips[0].id, odd.id, clips[1].id)
    out = tmp_path / "cut.edl"

    result = export_selection(repo, ByIds(ids), ExportFormat.EDL, out)

    text = out.read_bytes().decode("ascii")  # an EDL holds ASCII only
    about = [n for n in result.notes if odd.display_name in n]
    assert len(about) == 1 and "ASCII" in about[0] and "percent-encoded" in about[0]
    assert not any("ASCII" in n for n in result.notes if n not in about)
    back = otio.adapters.read_from_file(str(out), adapter_name="cmx_3600", rate=24)
    names = [c.name for c in back.find_clips()]
    assert names[1] == "AI (Wan 2.2 Turbo): Nandu corriendo al amanecer - cafe"
    url = list(back.find_clips())[1].media_reference.target_url
    assert unquote(urlparse(url).path) == odd.path
    assert text.count("Nandu") >= 1


def test_a_moved_file_is_reported_but_still_exported(
    clips: list[MediaItem], repo: MediaRepository, tmp_path: Path
) -> None:
    gone = Path(clips[1].path)
    shutil.move(gone, tmp_path / gone.name)
    out = tmp_path / "cut.edl"
    result = export_selection(repo, ByIds(tuple(i.id for i in clips)), ExportFormat.EDL, out)
    assert len(_events(out.read_text(encoding="ascii"))) == 3
    assert [n for n in result.notes if "missing" in n] == [
        f"{gone} is missing, so the editor will ask where it is."
    ]
