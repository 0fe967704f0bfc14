"""CMX 3600 EDL through OpenTimelineIO's cmx_3600 adapter, within what an EDL can hold.

An EDL is one track of events at one rate, in ASCII, with a reel name of at
most 8 letters or digits per source. The adapter writes whatever it is given
(a reel from the first 8 characters of the file name, so "AI (Wan 2.2…" files
all became the same reel "AI Wan 2", with spaces that break every reader).
Here each clip is fitted first, and every change is reported per clip:

- the reel is the file's name when that fits, else the first 8 hex digits of
  the content hash (unique per source, stable across exports);
- names and marker texts are transliterated to ASCII ("Ñandú" → "Nandu");
- the path goes in the FROM CLIP comment as a plain path, or percent-encoded
  as a `file://` URL when it is not ASCII;
- the FCM line the adapter leaves out says whether timecodes are drop-frame.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction
from pathlib import Path
from urllib.parse import unquote, urlparse

import opentimelineio as otio

from qcut_ai.core.errors import InterchangeError
from qcut_ai.core.frame_rate import frame_rate, is_drop_frame, rate_label
from qcut_ai.interchange.metadata import NAMESPACE

REEL_CHARS = 8
_REEL_OK = re.compile(rf"[A-Za-z0-9]{{1,{REEL_CHARS}}}")
_PUNCTUATION = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "–": "-", "—": "-", "×": "x"}
)


def ascii_text(text: str) -> str:
    """`text` in ASCII: accents dropped, typographic punctuation made plain, on one line."""
    plain = unicodedata.normalize("NFKD", " ".join(text.split()).translate(_PUNCTUATION))
    return plain.encode("ascii", "ignore").decode("ascii")


def _path_of(url: str) -> str:
    return unquote(urlparse(url).path)


class _Reels:
    """One reel name per source file, unique within the EDL."""

    def __init__(self) -> None:
        self.by_path: dict[str, str] = {}

    def reel(self, path: str, sha256: str) -> str:
        if path in self.by_path:
            return self.by_path[path]
        stem = Path(path).stem
        candidates = [stem] if _REEL_OK.fullmatch(stem) else []
        digest = re.sub(r"[^0-9A-Fa-f]", "", sha256)
        candidates.append(digest[:REEL_CHARS].upper() if digest else "")
        taken = set(self.by_path.values())
        name = next((c for c in candidates if c and c not in taken), "")
        number = len(self.by_path) + 1
        while not name or name in taken:  # no hash, or two sources share one prefix
            name = f"QC{number:0{REEL_CHARS - 2}d}"
            number += 1
        self.by_path[path] = name
        return name


def _fit_clip(clip: otio.schema.Clip, rate: Fraction, reels: _Reels) -> str | None:
    """Make one clip fit an EDL; one sentence saying what changed, or None."""
    done: list[str] = []
    shown = clip.name
    ours = clip.metadata.get(NAMESPACE, {})
    ref = clip.media_reference
    if isinstance(ref, otio.schema.ExternalReference):
        path = _path_of(ref.target_url)
        reel = reels.reel(path, str(ours.get("sha256", "") or ""))
        clip.metadata["cmx_3600"] = {"reel": reel}
        if reel != Path(path).stem:
            done.append(f"its reel is {reel}, as reel names hold {REEL_CHARS} letters or digits")
        if path.isascii():
            ref.target_url = path
        else:
            done.append("its path is not ASCII, so it was written percent-encoded as a file URL")
    name = ascii_text(clip.name)
    if name != clip.name:
        done.append(f"its name was written in ASCII as “{name}”")
        clip.name = name
    for marker in clip.markers:
        marker.name = ascii_text(marker.name)
    clip_rate = frame_rate(clip.source_range.start_time.rate) or rate
    if clip_rate != rate:
        done.append(
            f"it runs at {rate_label(clip_rate)} fps and its source timecodes are counted "
            f"at the EDL's {rate_label(rate)} fps"
        )
    if not done:
        return None
    return f"EDL, “{shown}”: " + "; ".join(done) + "."


def write_edl(timeline: otio.schema.Timeline, rate: Fraction) -> tuple[str, list[str]]:
    """The EDL text of `timeline`'s first video track at `rate`, and what was changed."""
    copy = timeline.deepcopy()
    notes: list[str] = []
    video = [i for i, t in enumerate(copy.tracks) if t.kind == otio.schema.TrackKind.Video]
    if not video:
        raise InterchangeError("An EDL lists picture events, and this timeline has no video track.")
    for index in reversed(range(len(copy.tracks))):
        if index != video[0]:
            track = copy.tracks[index]
            count = len(list(track.find_clips()))
            notes.insert(
                0,
                f"EDL holds one track of events: {track.name or 'a track'} "
                f"({count} clip{'s' if count != 1 else ''}) was left out.",
            )
            del copy.tracks[index]
    reels = _Reels()
    for clip in copy.tracks[0].find_clips():
        note = _fit_clip(clip, rate, reels)
        if note:
            notes.append(note)
    copy.name = ascii_text(copy.name) or "qcut-ai"
    text = otio.adapters.write_to_string(copy, adapter_name="cmx_3600", rate=float(rate))
    fcm = "FCM: DROP FRAME" if is_drop_frame(rate) else "FCM: NON-DROP FRAME"
    title, _, events = text.partition("\n")
    return f"{title}\n{fcm}\n{events}", notes
