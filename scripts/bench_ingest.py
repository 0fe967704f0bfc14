"""Ingest benchmark: a finished clip on loopback -> item in the library with a poster.

Project: `services.download.download()` (streamed, checked without decoding)
then `Library.add_generated(..., finish=False)` (sidecar, poster, SQLite row),
the same steps as `JobRunner.ingest` before the clip is shown. The steps
`JobRunner.ingest` runs after that (provenance tags, hash, filmstrip) are timed
separately in the phase table.
Baseline, in the same run and alternating with it: `curl` to a file,
`ffprobe` (Debian's, or the static ffmpeg's `-i` when there is none), the
static ffmpeg keyframe-seek poster recipe and one SQLite INSERT.

    .venv/bin/python scripts/bench_ingest.py [--smoke] [--json out.json]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc

if TYPE_CHECKING:
    from qcut_ai.core.media import Provenance

POSTER_POSITION = 0.4  # the project's poster time, as a share of the duration


def ffmpeg_static() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def make_clip(
    directory: Path, *, width: int, height: int, seconds: float, mbits: float, gop: int = 60
) -> Path:
    """An H.264 + AAC MP4 (faststart) at `mbits` Mb/s, made once and cached.

    The recipe of the reference measurements (perf-anchors.md, file A): at a
    fixed bitrate x264 spends the bits even on testsrc2, so the size and the
    decode cost are those of real generated footage.
    """
    name = f"clip_{width}x{height}_{seconds:g}s_{mbits:g}M_g{gop}.mp4"
    out = directory / name
    if out.is_file() and out.stat().st_size > 0:
        return out
    tmp = directory / f".{name}.{os.getpid()}.mp4"
    cmd = [
        ffmpeg_static(),
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size={width}x{height}:rate=30:duration={seconds:g}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=440:sample_rate=48000:duration={seconds:g}",
        "-c:v",
        "libx264",
        "-preset",
        "medium",
        "-b:v",
        f"{mbits:g}M",
        "-maxrate",
        f"{mbits * 7 / 6:g}M",
        "-bufsize",
        f"{mbits * 2:g}M",
        "-g",
        str(gop),
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-movflags",
        "+faststart",
        "-shortest",
        str(tmp),
    ]
    subprocess.run(cmd, check=True, timeout=600)
    os.replace(tmp, out)
    return out


def find_ffprobe(smoke: bool, allow_install: bool) -> str | None:
    """Debian's ffprobe; installed with apt-get for full runs when missing and allowed."""
    found = shutil.which("ffprobe")
    if found or smoke or not allow_install or not shutil.which("apt-get"):
        return found
    print("ffprobe is missing: installing Debian's ffmpeg for the baseline…", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "ffmpeg"]
    for cmd in (install, ["apt-get", "update", "-qq"], install):
        done = subprocess.run(cmd, env=env, capture_output=True, timeout=900, check=False)
        if cmd is install and done.returncode == 0:
            break
    return shutil.which("ffprobe")


def _groups(pattern: str, text: str) -> tuple[str, ...]:
    found = re.search(pattern, text)
    if found is None:
        raise RuntimeError(f"ffmpeg -i printed no match for {pattern!r}")
    return found.groups()


class Baseline:
    """curl + ffprobe + ffmpeg keyframe poster as subprocesses, then one INSERT."""

    def __init__(self, work: Path, url: str, ffprobe: str | None) -> None:
        self.work, self.url, self.ffprobe = work, url, ffprobe
        self.ffmpeg = ffmpeg_static()
        self.db = sqlite3.connect(str(work / "baseline.db"), isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS media(id INTEGER PRIMARY KEY, path TEXT, duration REAL, "
            "width INT, height INT, thumbnail TEXT)"
        )
        self.steps: dict[str, list[float]] = {"curl": [], "probe": [], "poster": [], "insert": []}
        self.n = 0

    def _probe(self, path: Path) -> tuple[float, int, int]:
        if self.ffprobe:
            out = subprocess.run(
                [
                    self.ffprobe,
                    "-v",
                    "error",
                    "-show_format",
                    "-show_streams",
                    "-of",
                    "json",
                    str(path),
                ],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
            info = json.loads(out)
            video = next(s for s in info["streams"] if s["codec_type"] == "video")
            return float(info["format"]["duration"]), int(video["width"]), int(video["height"])
        # No ffprobe: `ffmpeg -i` prints the same container and stream facts on stderr.
        err = subprocess.run(
            [self.ffmpeg, "-hide_banner", "-i", str(path)], capture_output=True, text=True
        ).stderr
        h, m, s = _groups(r"Duration: (\d+):(\d+):([\d.]+)", err)
        w, hgt = _groups(r"Video: .*?, (\d{2,5})x(\d{2,5})", err)
        return int(h) * 3600 + int(m) * 60 + float(s), int(w), int(hgt)

    def __call__(self) -> float:
        self.n += 1
        out = self.work / f"dl_{self.n}.mp4"
        poster = self.work / f"poster_{self.n}.jpg"
        t0 = time.perf_counter()
        subprocess.run(["curl", "-s", "-f", "--noproxy", "*", "-o", str(out), self.url], check=True)
        t1 = time.perf_counter()
        duration, width, height = self._probe(out)
        t2 = time.perf_counter()
        subprocess.run(
            [
                self.ffmpeg,
                "-v",
                "error",
                "-y",
                "-noaccurate_seek",
                "-ss",
                f"{duration * POSTER_POSITION:.3f}",
                "-i",
                str(out),
                "-an",
                "-frames:v",
                "1",
                "-fps_mode",
                "passthrough",
                "-vf",
                "scale=320:-2",
                "-q:v",
                "3",
                str(poster),
            ],
            check=True,
        )
        t3 = time.perf_counter()
        self.db.execute(
            "INSERT INTO media(path, duration, width, height, thumbnail) VALUES (?,?,?,?,?)",
            [str(out), duration, width, height, str(poster)],
        )
        t4 = time.perf_counter()
        for key, a, b in (
            ("curl", t0, t1),
            ("probe", t1, t2),
            ("poster", t2, t3),
            ("insert", t3, t4),
        ):
            self.steps[key].append(b - a)
        assert poster.is_file() and width > 0
        out.unlink()
        return t4 - t0

    def close(self) -> None:
        self.db.close()


class Project:
    """download() + Library.add_generated(), as JobRunner.ingest runs them."""

    def __init__(self, root: Path, url: str, host: str) -> None:
        from qcut_ai.core.project import ProjectPaths
        from qcut_ai.services.media_hosts import AllowedHosts

        self.project = ProjectPaths.at(root / "project").ensure()
        self.thumbs = root / "thumbnails"
        self.url = url
        self.allowed = AllowedHosts(override=host)
        self.items: list[int] = []
        self.posters: list[str] = []

    def provenance(self) -> Provenance:
        from qcut_ai.core.media import Provenance

        return Provenance(
            endpoint="fal-ai/veo3.1/fast",
            model_id="veo3.1-fast",
            model_name="Veo 3.1 Fast",
            request_id=uuid.uuid4().hex,
            prompt="a lighthouse in a storm, slow push in",
            arguments={"duration": "8s", "resolution": "1080p"},
            cost_estimate_usd=1.2,
        )

    def __call__(self) -> float:
        from qcut_ai.library.ingest import Library
        from qcut_ai.library.probe import verify_media
        from qcut_ai.services.download import download

        prov = self.provenance()
        name = f"AI (Veo 3.1 Fast) - lighthouse - {uuid.uuid4().hex[:8]}.mp4"
        t0 = time.perf_counter()
        library = Library(self.project, self.thumbs)
        checked = []
        try:
            path = download(
                self.url,
                self.project.media,
                name,
                allowed=self.allowed,
                verify=lambda p: checked.append(verify_media(p, decode=False)),
            )
            item = library.add_generated(path, prov, checked[-1], finish=False)
            elapsed = time.perf_counter() - t0
            library.finish_generated(item)  # after the clip is shown, as the runner does
        finally:
            library.close()
        assert item.thumbnail and Path(item.thumbnail).is_file()
        self.items.append(item.id)
        self.posters.append(item.thumbnail)
        return elapsed


def phases(root: Path, url: str, host: str, runs: int) -> dict[str, dict[str, float]]:
    """The project's ingest step by step (fresh file and thumbnail cache each run)."""
    from qcut_ai.library import provenance as prov_io
    from qcut_ai.library.probe import sha256_file, verify_media
    from qcut_ai.library.thumbnails import filmstrip, poster_frame
    from qcut_ai.services.download import download
    from qcut_ai.services.media_hosts import AllowedHosts

    samples: dict[str, list[float]] = {}
    proj = Project(root, url, host)
    for i in range(runs):
        work = root / f"phase{i}"
        (work / "thumbs").mkdir(parents=True)
        last = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal last
            now = time.perf_counter()
            samples.setdefault(name, []).append(now - last)
            last = now

        path = download(url, work, "clip.mp4", allowed=AllowedHosts(override=host))
        lap("download")
        info = verify_media(path, decode=False)
        lap("verify_in_download")
        prov_io.write_sidecar(path, proj.provenance())
        lap("sidecar")
        poster_frame(path, info, work / "thumbs")
        lap("poster")
        # What follows runs after the library row, while the clip is already usable.
        prov_io.embed(path, proj.provenance())
        lap("after_row_embed_tags")
        info = info.model_copy(update={"sha256": sha256_file(path)})
        lap("after_row_sha256")
        filmstrip(path, info, work / "thumbs")
        lap("after_row_filmstrip")
        shutil.rmtree(work)
    return {n: bc.stats_ms(v) for n, v in samples.items()}


def main(argv: list[str] | None = None) -> int:
    p = bc.parser(__doc__ or "")
    p.add_argument("--runs", type=int, help="measured runs of each side (default 7, smoke 1)")
    p.add_argument("--no-install", action="store_true", help="never apt-get Debian's ffprobe")
    args = p.parse_args(argv)
    cache = bc.cache_dir(args)
    if args.smoke:
        clip = make_clip(cache, width=320, height=180, seconds=1, mbits=1)
    else:
        clip = make_clip(cache, width=1920, height=1080, seconds=10, mbits=12)
    runs = args.runs or (1 if args.smoke else 7)
    ffprobe = find_ffprobe(args.smoke, not args.no_install)
    with bc.scratch_dir("ingest") as tmp, bc.FileServer(clip.parent) as server:
        root = Path(tmp)
        url = server.url(clip.name)
        (root / "baseline").mkdir()
        baseline = Baseline(root / "baseline", url, ffprobe)
        project = Project(root, url, server.host)
        try:
            if not args.smoke:
                baseline(), project()  # warm-up: page cache, imports, first DB open
            base_s, proj_s = bc.interleave(runs, baseline, project)
            phase = phases(root, url, server.host, 1 if args.smoke else 5)
        finally:
            baseline.close()
        base_steps = {k: bc.stats_ms(v) for k, v in baseline.steps.items()}
        items = len(project.items)
    base, proj = bc.stats_ms(base_s), bc.stats_ms(proj_s)
    ratio = proj["median"] / base["median"]
    probe_tool = "debian ffprobe" if ffprobe else "static ffmpeg -i (no ffprobe on this machine)"
    rows = [
        (
            "ingest total (median ms)",
            f"{proj['median']:.1f}",
            f"{base['median']:.1f}",
            f"{ratio:.2f}",
        ),
        *[(f"  baseline {k}", "", f"{v['median']:.1f}", "") for k, v in base_steps.items()],
        *[(f"  project {k}", f"{v['median']:.1f}", "", "") for k, v in phase.items()],
    ]
    bc.report(
        "ingest",
        args,
        params={
            "clip": clip.name,
            "clip_bytes": clip.stat().st_size,
            "runs": runs,
            "baseline_tools": {
                "download": "curl",
                "probe": probe_tool,
                "poster": "static ffmpeg keyframe seek",
            },
        },
        results={
            "project_ms": proj,
            "baseline_ms": base,
            "baseline_steps_ms": base_steps,
            "project_phases_ms": phase,
            "items_ingested": items,
            "posters_made": len(project.posters),
        },
        ratios={"ingest_vs_baseline": ratio},
        targets={"ingest_ratio": bc.target(ratio, 0.7)},
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
