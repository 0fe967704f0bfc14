"""Compare-view benchmark: four 1080p takes playing together, sync and GUI heartbeat.

A CompareView (offscreen) holds four 1080p H.264 clips at 25 fps of 20 s
(the last one 15 s, so it holds its last frame for the final seconds). A
5 ms QTimer records when the GUI thread gets to run. Baseline, in the same
run: the same window with the clips open and paused. Then the set plays
for 20 s; every 40 ms the frames on screen are compared (the drift: how many
frames apart the running takes are, from each frame's own time stamp).

    .venv/bin/python scripts/bench_compare.py [--smoke] [--json out.json]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc
from bench_gui_stall import HEARTBEAT_MS, gap_stats

SAMPLE_MS = 40
_SOURCES = ("testsrc2", "smptebars", "testsrc", "rgbtestsrc")


def make_clips(cache: Path, smoke: bool) -> list[Path]:
    from qcut_ai.services.ffmpeg_tools import run_ffmpeg

    size, seconds = ("320x180", 3) if smoke else ("1920x1080", 20)
    clips = []
    for n, source in enumerate(_SOURCES):
        length = seconds if n < 3 else max(1, seconds * 3 // 4)
        path = cache / f"compare-{source}-{size}-{length}s.mp4"
        if not path.is_file():
            run_ffmpeg(
                [
                    *("-f", "lavfi", "-i", f"{source}=size={size}:rate=25:duration={length}"),
                    *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
                    *("-g", "25", str(path)),
                ]
            )
        clips.append(path)
    return clips


def _timed(cell: Any, painted: list[int], paint_ms: list[float]) -> Any:
    """The cell's paint_pending, counting the frames it turns into pictures and their cost."""
    paint = cell.paint_pending

    def timed() -> None:
        had_frame = cell.pending is not None
        started = time.perf_counter()
        paint()
        if had_frame:
            paint_ms.append((time.perf_counter() - started) * 1000)
            painted[cell.index] += 1

    return timed


def run(args: Any) -> dict[str, Any]:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from qcut_ai.core.comparison import Comparison, Take
    from qcut_ai.core.media import MediaItem, MediaKind, Origin
    from qcut_ai.library.probe import probe
    from qcut_ai.ui.compare.view import CompareView

    smoke = args.smoke
    app = QApplication.instance() or QApplication([])
    assert app is not None
    clips = make_clips(bc.cache_dir(args), smoke)
    items = [
        MediaItem(
            id=n + 1,
            name=path.stem,
            path=str(path),
            kind=MediaKind.VIDEO,
            origin=Origin.AI,
            created_at="2026-01-01T00:00:00+00:00",
            probe=probe(path, with_hash=False),
            model_name=f"Model {n + 1}",
        )
        for n, path in enumerate(clips)
    ]
    takes = tuple(Take(None, f"m{i.id}", i.model_name or "", item=i) for i in items)
    view = CompareView(Comparison(1, None, takes))
    view.resize(1280, 800)
    view.show()
    spin = bc.spin

    spin(30, lambda: all(c.ready for c in view.cells))
    spin(0.5)
    stamps: list[float] = []
    beat = QTimer()
    beat.setTimerType(Qt.TimerType.PreciseTimer)
    beat.timeout.connect(lambda: stamps.append(time.perf_counter()))
    beat.start(HEARTBEAT_MS)
    spin(1.0 if smoke else 5.0)
    idle = list(stamps)
    stamps.clear()

    drift: list[int] = []
    sampler = QTimer()
    sampler.timeout.connect(
        lambda: drift.append(view.transport.spread_frames()) if view.transport.playing else None
    )
    frames_shown = [0] * len(view.cells)
    for cell in view.cells:
        cell.frame_shown.connect(lambda i: frames_shown.__setitem__(i, frames_shown[i] + 1))
    painted = [0] * len(view.cells)
    paint_ms: list[float] = []
    for cell in view.cells:
        cell.paint_pending = _timed(cell, painted, paint_ms)  # type: ignore[method-assign]
    play_s = 2.5 if smoke else 20.0
    view.transport.play()
    sampler.start(SAMPLE_MS)
    spin(play_s)
    sampler.stop()
    view.transport.pause()
    beat.stop()
    playing = list(stamps)
    view.close()
    drift_sorted = sorted(drift)
    return {
        "idle": gap_stats(idle),
        "playing": gap_stats(playing),
        "drift_frames_max": max(drift, default=0),
        "drift_frames_p99": bc.percentile(drift_sorted, 99) if drift else 0,
        "drift_samples": len(drift),
        "frames_shown": frames_shown,
        "frames_painted": painted,
        "paint_ms_p50": bc.percentile(sorted(paint_ms), 50) if paint_ms else 0,
        "paint_ms_max": max(paint_ms, default=0),
        "clips": [
            {"name": i.name, "size": f"{i.probe.width}x{i.probe.height}", "seconds": i.duration}
            for i in items
        ],
        "play_seconds": play_s,
    }


def main(argv: list[str] | None = None) -> int:
    args = bc.parser(__doc__ or "").parse_args(argv)
    with bc.scratch_dir("compare") as tmp:
        os.environ.update(
            QT_QPA_PLATFORM="offscreen",
            QCUT_AI_HOME=str(Path(tmp) / "home"),
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        )
        res = run(args)
    idle, busy = res["idle"], res["playing"]
    rows = [
        (
            "max gap (ms)",
            f"{busy['max_ms']:.1f}",
            f"{idle['max_ms']:.1f} (idle)",
            f"{busy['max_ms'] / idle['max_ms']:.2f}",
        ),
        (
            "p99 gap (ms)",
            f"{busy['p99_ms']:.1f}",
            f"{idle['p99_ms']:.1f} (idle)",
            f"{busy['p99_ms'] / idle['p99_ms']:.2f}",
        ),
        (
            "drift (frames, max / p99)",
            f"{res['drift_frames_max']} / {res['drift_frames_p99']:.0f}",
            "",
            "",
        ),
        ("frames decoded per take", " ".join(map(str, res["frames_shown"])), "", ""),
        ("frames painted per take", " ".join(map(str, res["frames_painted"])), "", ""),
        (
            "frame to picture (ms, p50 / max)",
            f"{res['paint_ms_p50']:.1f} / {res['paint_ms_max']:.1f}",
            "",
            "",
        ),
    ]
    bc.report(
        "compare",
        args,
        params={
            "heartbeat_ms": HEARTBEAT_MS,
            "sample_ms": SAMPLE_MS,
            "takes": len(res["clips"]),
            "play_seconds": res["play_seconds"],
        },
        results=res,
        ratios={
            "max_gap_vs_idle": busy["max_ms"] / idle["max_ms"],
            "p99_gap_vs_idle": busy["p99_ms"] / idle["p99_ms"],
        },
        targets={
            "drift_frames": bc.target(res["drift_frames_max"], 1.0),
            "max_gap_ms": bc.target(busy["max_ms"], 50.0),
            "p99_gap_ms": bc.target(busy["p99_ms"], 17.0),
        },
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
