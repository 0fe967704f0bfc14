"""Posters come from the keyframe nearest 40 % of a clip, as a player's fast seek shows it;
a keyframe that shows nothing (a fade from black) gives way to the exact frame."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageStat

from qcut_ai.library.probe import probe
from qcut_ai.library.thumbnails import make_thumbnails
from qcut_ai.services.ffmpeg_tools import run_ffmpeg

# One keyframe for the whole clip (as API encoders often do), B-frames.
_LONG_GOP = ["-c:v", "libx264", "-preset", "veryfast", "-g", "250", "-bf", "3"]
_SIZE = "160x90"


def _clip(out: Path, source: str) -> Path:
    run_ffmpeg(["-f", "lavfi", "-i", source, *_LONG_GOP, "-pix_fmt", "yuv420p", str(out)])
    return out


def _poster_colour(clip: Path, cache: Path) -> tuple[float, float, float]:
    poster = make_thumbnails(clip, probe(clip), cache, with_filmstrip=False).poster
    assert poster is not None
    with Image.open(poster) as img:
        red, green, blue = ImageStat.Stat(img.convert("RGB")).mean
    return red, green, blue


def test_a_long_gop_poster_is_the_keyframe_a_fast_seek_shows(tmp_path: Path) -> None:
    # Green for the first second, red after: 40 % of 2.5 s is in the red part,
    # but the clip's one keyframe is green, and a fast seek shows that.
    clip = _clip(
        tmp_path / "green_then_red.mp4",
        f"color=c=green:size={_SIZE}:rate=25:duration=2.5,"
        "drawbox=x=0:y=0:w=iw:h=ih:color=red:t=fill:enable='gte(t,1)',"
        "drawbox=x=0:y=0:w=40:h=20:color=white:t=fill",
    )
    red, green, _blue = _poster_colour(clip, tmp_path / "thumbs")
    assert green > red


def test_a_clip_that_fades_in_from_black_gets_a_poster_with_a_picture(tmp_path: Path) -> None:
    clip = _clip(
        tmp_path / "fade_in.mp4",
        f"testsrc2=size={_SIZE}:rate=25:duration=2.5,fade=t=in:st=0:d=1.5",
    )
    poster = make_thumbnails(clip, probe(clip), tmp_path / "thumbs").poster
    assert poster is not None
    with Image.open(poster) as img:
        grey = ImageStat.Stat(img.convert("L"))
    # The first frame is black; the poster shows the test picture, two thirds faded in.
    assert grey.mean[0] > 30 and grey.stddev[0] > 20
