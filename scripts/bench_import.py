"""Folder import benchmark: 500 mixed clips into the library, with a GUI heartbeat.

Project: the app's window (MainWindow + MediaPanel, offscreen) on an empty
project imports a folder through `LibraryPanel.import_paths` (the path a drop
or File > Import takes: LibraryService, probe, hash and poster in two worker
processes, rows, progress),
while a 5 ms QTimer records when the GUI thread gets to run. The import is
timed until the panel says it finished; the filmstrips that follow are timed
on their own. A second import into a fresh project is cancelled halfway, to
time how soon Cancel stops it. After each, the worker processes still alive
are counted (none should be).
Baseline, in the same run: a shell loop over the same files, two at a time
(`xargs -P 2`): `ffprobe` (Debian's, or the static ffmpeg's `-i` when there is
none), the static ffmpeg keyframe-seek poster, `sha256sum` and one `sqlite3`
INSERT per file.

The folder (made once and cached): H.264, HEVC, VP8, VP9, MPEG-4, MJPEG and
ProRes in MP4, MOV, M4V, MKV, WebM and AVI, 320x240 to 1920x1080, 1-10 s,
some with AAC, Opus or MP3 audio, and a few PNG, JPEG and WebP stills. Each
clip is a stream copy of one of a dozen encodes with its own metadata, so all
500 files differ.

    .venv/bin/python scripts/bench_import.py [--smoke] [--json out.json]
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc
from bench_gui_stall import HEARTBEAT_MS, gap_stats
from bench_ingest import ffmpeg_static, find_ffprobe

# name: (container suffix, encoder options, size, fps, seconds, audio options or None)
VARIANTS: dict[str, tuple[str, list[str], str, int, float, list[str] | None]] = {
    "h264_720p": (".mp4", ["-c:v", "libx264", "-preset", "veryfast", "-b:v", "4M"], "1280x720",
                  30, 4, ["-c:a", "aac", "-b:a", "128k"]),
    "h264_1080p": (".mp4", ["-c:v", "libx264", "-preset", "veryfast", "-b:v", "8M"],
                   "1920x1080", 24, 3, ["-c:a", "aac", "-b:a", "128k"]),
    "h264_vertical": (".mov", ["-c:v", "libx264", "-preset", "veryfast", "-b:v", "4M"],
                      "720x1280", 30, 5, ["-c:a", "aac", "-b:a", "96k"]),
    "h264_480p_mkv": (".mkv", ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26"],
                      "854x480", 25, 8, None),
    "vp9_360p": (".webm", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                           "-b:v", "1M"], "640x360", 30, 3, ["-c:a", "libopus", "-b:a", "64k"]),
    "vp8_720p": (".webm", ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8",
                           "-b:v", "2M"], "1280x720", 30, 2, None),
    "mpeg4_avi": (".avi", ["-c:v", "mpeg4", "-q:v", "5"], "640x480", 25, 4,
                  ["-c:a", "libmp3lame", "-b:a", "128k"]),
    "mjpeg_mov": (".mov", ["-c:v", "mjpeg", "-q:v", "5"], "640x360", 25, 2, None),
    "hevc_720p": (".mp4", ["-c:v", "libx265", "-preset", "ultrafast", "-tag:v", "hvc1",
                           "-x265-params", "log-level=error"], "1280x720", 30, 3,
                  ["-c:a", "aac", "-b:a", "128k"]),
    "h264_small_m4v": (".m4v", ["-c:v", "libx264", "-preset", "veryfast", "-crf", "28"],
                       "320x240", 15, 10, ["-c:a", "aac", "-b:a", "64k"]),
    "h264_1080p_longgop": (".mp4", ["-c:v", "libx264", "-preset", "ultrafast", "-b:v", "6M",
                                    "-g", "250"], "1920x1080", 30, 6, None),
    "prores_mov": (".mov", ["-c:v", "prores_ks", "-profile:v", "0"], "640x360", 25, 1, None),
}  # fmt: skip
SMOKE_VARIANTS = ("h264_720p", "vp9_360p", "mjpeg_mov")
STILLS = ((".png", (1920, 1080)), (".jpg", (1280, 720)), (".webp", (800, 600)))
STILL_EVERY = 25  # one file in 25 is a still: 20 of 500


def _encode(src: Path, name: str, smoke: bool) -> Path:
    suffix, video, size, fps, seconds, audio = VARIANTS[name]
    if smoke:
        size, seconds = "320x180", 1.0
    out = src / f"{name}{'_smoke' if smoke else ''}{suffix}"
    if out.is_file() and out.stat().st_size > 0:
        return out
    tmp = out.with_name(f".{os.getpid()}.{out.name}")
    cmd = [ffmpeg_static(), "-v", "error", "-y", "-f", "lavfi", "-i",
           f"testsrc2=size={size}:rate={fps}:duration={seconds:g}"]  # fmt: skip
    if audio:
        cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds:g}"]
    cmd += [*video, "-pix_fmt", "yuv422p10le" if "prores" in name else "yuv420p"]
    cmd += [*audio, "-shortest"] if audio else []
    subprocess.run([*cmd, str(tmp)], check=True, timeout=600)
    os.replace(tmp, out)
    return out


def make_folder(cache: Path, count: int, smoke: bool) -> Path:
    """`count` distinct files, made once: stream copies of the encodes, and stills."""
    from PIL import Image, ImageDraw

    src = cache / "import-sources"
    src.mkdir(parents=True, exist_ok=True)
    folder = cache / f"import-{count}{'-smoke' if smoke else ''}"
    if (folder / ".complete").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    names = list(SMOKE_VARIANTS if smoke else VARIANTS)
    sources = [_encode(src, name, smoke) for name in names]
    videos = 0
    for i in range(count):
        if i % STILL_EVERY == STILL_EVERY - 1 or (smoke and i == count - 1):
            suffix, size = STILLS[(i // STILL_EVERY) % len(STILLS)]
            out = folder / f"still_{i:03d}{suffix}"
            if not out.is_file():
                img = Image.new("RGB", size, ((i * 37) % 256, (i * 91) % 256, (i * 53) % 256))
                ImageDraw.Draw(img).text((40, 40), f"still {i}", fill=(255, 255, 255))
                img.save(out)
            continue
        source = sources[videos % len(sources)]
        videos += 1
        out = folder / f"clip_{i:03d}{source.suffix}"
        if not out.is_file():
            tmp = out.with_name(f".{out.name}")
            subprocess.run(
                [ffmpeg_static(), "-v", "error", "-y", "-i", str(source), "-map", "0",
                 "-c", "copy", "-metadata", f"comment=take {i}", str(tmp)],
                check=True, timeout=120,
            )  # fmt: skip
            os.replace(tmp, out)
    (folder / ".complete").write_text("ok\n")
    return folder


def folder_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


# --- the baseline: a shell loop, two at a time ---------------------------------

ONE_FILE = r"""#!/bin/bash
# ffprobe + keyframe poster + sha256sum + one INSERT, for one file.
set -eu
f="$1"; out="$2"; db="$3"; probe="$4"; ffmpeg="$5"
n=$(basename "$f")
if [ -n "$probe" ]; then
  dur=$("$probe" -v error -show_entries format=duration -of csv=p=0 "$f" || true)
else
  dur=$("$ffmpeg" -hide_banner -i "$f" 2>&1 | sed -n \
    's/.*Duration: \([0-9]*\):\([0-9]*\):\([0-9.]*\).*/\1 \2 \3/p' | \
    awk '{print $1*3600+$2*60+$3}' || true)
fi
case "$dur" in ''|N/A) dur=0 ;; esac
at=$(awk -v d="$dur" 'BEGIN{printf "%.3f", d*0.4}')
"$ffmpeg" -v error -y -noaccurate_seek -ss "$at" -i "$f" -an -frames:v 1 \
  -fps_mode passthrough -vf scale=320:-2 -q:v 3 "$out/$n.jpg"
h=$(sha256sum "$f" | cut -d' ' -f1)
sqlite3 -cmd ".timeout 10000" "$db" \
  "INSERT INTO media(path, sha256, duration, thumbnail) VALUES ('$f', '$h', $dur, '$out/$n.jpg');"
"""


def baseline(files: list[Path], work: Path, ffprobe: str | None) -> dict[str, Any]:
    work.mkdir(parents=True)
    script = work / "one_file.sh"
    script.write_text(ONE_FILE)
    db = work / "baseline.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE media(id INTEGER PRIMARY KEY, path TEXT, sha256 TEXT, duration REAL, "
        "thumbnail TEXT)"
    )
    conn.commit()
    conn.close()
    listing = b"".join(str(f).encode() + b"\0" for f in files)
    start = time.perf_counter()
    subprocess.run(
        ["xargs", "-0", "-P", "2", "-I", "{}", "bash", str(script), "{}", str(work), str(db),
         ffprobe or "", ffmpeg_static()],
        input=listing, check=True, timeout=3600,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    with sqlite3.connect(db) as conn:
        rows = int(conn.execute("SELECT count(*) FROM media").fetchone()[0])
    conn.close()
    posters = len(list(work.glob("*.jpg")))
    return {"seconds": round(seconds, 3), "rows": rows, "posters": posters}


# --- the project: the panel's import, with a heartbeat ---------------------------


def project_runs(files: list[Path], folder: Path, tmp: Path, smoke: bool) -> dict[str, Any]:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from qcut_ai.app.shell import MainWindow
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.core.settings import Settings
    from qcut_ai.ui.media_panel import MediaPanel, PanelServices

    app = QApplication.instance() or QApplication([])
    assert app is not None
    services = PanelServices(Settings(), tmp / "thumbnails", connect=lambda: None)
    panel = MediaPanel(services)
    window = MainWindow(panel)
    window.show()
    lib = panel.library_panel
    spin = functools.partial(bc.spin, poll_ms=10)

    stamps: list[float] = []
    beat = QTimer()
    beat.setTimerType(Qt.TimerType.PreciseTimer)
    beat.timeout.connect(lambda: stamps.append(time.perf_counter()))
    finished: list[Any] = []
    updates: list[tuple[int, int, bool]] = []
    errors: list[str] = []
    lib.service.import_finished.connect(finished.append)
    lib.service.import_progress.connect(
        lambda d, t: updates.append((d, t, lib.progress.isVisible()))
    )
    lib.error_reported.connect(errors.append)

    panel.open_project(ProjectPaths.at(tmp / "project").ensure().root)
    spin(10, lambda: lib.service.pending_tasks() == 0)
    spin(0.5)
    beat.start(HEARTBEAT_MS)
    spin(1.0 if smoke else 3.0)
    idle = list(stamps)

    stamps.clear()
    start = time.perf_counter()
    lib.import_paths([folder])
    spin(3600, lambda: bool(finished))
    import_s = time.perf_counter() - start
    during = list(stamps)
    workers_after_import = len(multiprocessing.active_children())
    spin(3600, lambda: lib.service.pending_tasks() == 0)  # the filmstrips that follow
    all_done_s = time.perf_counter() - start
    after = list(stamps[len(during) - 1 :])
    outcome = finished[-1]
    rows_shown = lib.model.rowCount()
    filmstrips = sum(1 for i in lib.model.items if i.filmstrip)

    # Cancel halfway through a second import, into a fresh project.
    panel.open_project(ProjectPaths.at(tmp / "project2").ensure().root)
    spin(10, lambda: lib.service.pending_tasks() == 0)
    finished.clear()
    half = max(1, len(files) // 2)
    cancelled_at: list[float] = []

    def cancel_at_half(done: int, _total: int) -> None:
        if done >= half and not cancelled_at:
            cancelled_at.append(time.perf_counter())
            lib.import_bar.cancel.click()

    lib.service.import_progress.connect(cancel_at_half)
    lib.import_paths([folder])
    spin(3600, lambda: bool(finished))
    stopped = time.perf_counter()
    spin(60, lambda: lib.service.pending_tasks() == 0)
    # Cancelled workers finish the file in hand, then exit: give them a moment.
    spin(10, lambda: not multiprocessing.active_children())
    workers_after_cancel = len(multiprocessing.active_children())
    beat.stop()
    cancel = {
        "cancel_to_finished_ms": round((stopped - cancelled_at[0]) * 1000, 1)
        if cancelled_at
        else None,
        "imported_before_stop": len(finished[-1].items),
        "of": len(files),
        "workers_left": workers_after_cancel,
    }
    window.close()
    return {
        "import_seconds": round(import_s, 3),
        "with_filmstrips_seconds": round(all_done_s, 3),
        "items_imported": len(outcome.items),
        "import_errors": list(outcome.errors),
        "panel_errors": errors,
        "rows_in_view": rows_shown,
        "filmstrips_made": filmstrips,
        "progress_updates": len([u for u in updates if u[1] == len(files)]),
        "progress_always_visible": all(visible for _d, _t, visible in updates),
        "idle": gap_stats(idle),
        "importing": gap_stats(during),
        "filmstrips": gap_stats(after) if len(after) > 2 else None,
        "cancel": cancel,
        "workers_left_after_import": workers_after_import,
    }


def main(argv: list[str] | None = None) -> int:
    p = bc.parser(__doc__ or "")
    p.add_argument("--count", type=int, help="files in the folder (default 500, smoke 6)")
    p.add_argument("--no-install", action="store_true", help="never apt-get Debian's ffprobe")
    args = p.parse_args(argv)
    count = args.count or (6 if args.smoke else 500)
    cache = bc.cache_dir(args)
    folder = make_folder(cache, count, args.smoke)
    files = folder_files(folder)
    ffprobe = find_ffprobe(args.smoke, not args.no_install)
    with bc.scratch_dir("import") as tmp_name:
        tmp = Path(tmp_name)
        os.environ.update(
            QT_QPA_PLATFORM="offscreen",
            QCUT_AI_HOME=str(tmp / "home"),
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        )
        os.environ.pop("FAL_KEY", None)
        for f in files:  # both sides read the files from the page cache
            with open(f, "rb") as fh:
                while fh.read(1 << 20):
                    pass
        base = baseline(files, tmp / "baseline", ffprobe)
        shutil.rmtree(tmp / "baseline")
        res = project_runs(files, folder, tmp, args.smoke)
    idle, busy = res["idle"], res["importing"]
    ratio = res["import_seconds"] / base["seconds"]
    probe_tool = "debian ffprobe" if ffprobe else "static ffmpeg -i (no ffprobe on this machine)"
    kinds: dict[str, int] = {}
    for f in files:
        kinds[f.suffix.lower()] = kinds.get(f.suffix.lower(), 0) + 1
    rows = [
        (f"import of {len(files)} files (s)", f"{res['import_seconds']:.2f}",
         f"{base['seconds']:.2f} (shell, 2 at a time)", f"{ratio:.2f}"),
        ("… with the filmstrips after (s)", f"{res['with_filmstrips_seconds']:.2f}", "", ""),
        ("p99 gap while importing (ms)", f"{busy['p99_ms']:.1f}", f"{idle['p99_ms']:.1f} (idle)",
         f"{busy['p99_ms'] / idle['p99_ms']:.2f}"),
        ("max gap while importing (ms)", f"{busy['max_ms']:.1f}", f"{idle['max_ms']:.1f} (idle)",
         f"{busy['max_ms'] / idle['max_ms']:.2f}"),
        ("Cancel -> import finished (ms)", str(res["cancel"]["cancel_to_finished_ms"]), "", ""),
        ("worker processes left (finish / cancel)",
         f"{res['workers_left_after_import']} / {res['cancel']['workers_left']}", "", ""),
    ]  # fmt: skip
    bc.report(
        "import",
        args,
        params={
            "files": len(files),
            "kinds": kinds,
            "heartbeat_ms": HEARTBEAT_MS,
            "baseline_probe": probe_tool,
            "baseline_parallel": 2,
        },
        results={**res, "baseline": base},
        ratios={
            "import_vs_baseline": ratio,
            "p99_gap_vs_idle": busy["p99_ms"] / idle["p99_ms"],
        },
        targets={
            "import_vs_baseline": bc.target(ratio, 0.5),
            "p99_gap_ms": bc.target(busy["p99_ms"], 17.0),
        },
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
