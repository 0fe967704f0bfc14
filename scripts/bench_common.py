"""Shared pieces of the `scripts/bench_*.py` benchmarks.

Test media (cached between runs), a loopback file server in its own process,
timing statistics, memory readings and the common report: a short table on
stdout plus a JSON summary. Run as `python scripts/bench_common.py serve DIR`
it is the file server itself.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
# Loopback traffic must never go through a proxy, whatever the shell has set.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost,::1"

CACHE_ENV = "QCUT_AI_BENCH_CACHE"
Summary = dict[str, Any]


# --- command line and report ----------------------------------------------------


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--smoke", action="store_true", help="tiny sizes: a few seconds, for CI")
    p.add_argument("--json", metavar="PATH", help="also write the JSON summary to PATH")
    p.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"where generated test media is kept between runs (default ${CACHE_ENV} "
        "or ~/.cache/qcut-ai-bench)",
    )
    return p


def cache_dir(args: argparse.Namespace) -> Path:
    raw = args.cache_dir or os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "qcut-ai-bench"
    path = Path(raw).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def target(value: float, limit: float, *, at_most: bool = True) -> dict[str, Any]:
    """One target: its limit, the measured value and whether it is met."""
    met = value <= limit if at_most else value >= limit
    return {"value": round(value, 4), "limit": limit, "op": "<=" if at_most else ">=", "met": met}


def report(
    bench: str,
    args: argparse.Namespace,
    params: dict[str, Any],
    results: dict[str, Any],
    ratios: dict[str, float],
    targets: dict[str, dict[str, Any]],
    rows: Sequence[tuple[str, str, str, str]],
) -> Summary:
    """Print a table (measure, project, baseline, ratio) and the JSON summary; write it too."""
    summary: Summary = {
        "bench": bench,
        "mode": "smoke" if args.smoke else "full",
        "machine": machine(),
        "params": params,
        "results": results,
        "ratios": {k: round(v, 4) for k, v in ratios.items()},
        "targets": targets,
    }
    header = ("measure", "project", "baseline", "ratio")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    print(f"== {bench} ({summary['mode']}) ==")
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    for name, t in targets.items():
        verdict = "met" if t["met"] else "NOT met"
        print(f"target {name}: {t['value']} {t['op']} {t['limit']} -> {verdict}")
    text = json.dumps(summary, indent=2, sort_keys=True)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return summary


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str] = {}
    for dist in ("PySide6-Essentials", "av", "httpx", "sqlite-utils", "imageio-ffmpeg", "pillow"):
        try:
            from importlib.metadata import version

            versions[dist] = version(dist)
        except Exception:
            versions[dist] = "?"
    import sqlite3

    versions["sqlite"] = sqlite3.sqlite_version
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


# --- statistics and memory ------------------------------------------------------


def stats_ms(seconds: Sequence[float]) -> dict[str, float]:
    """Median, quartiles, min and max of durations, in milliseconds."""
    ms = sorted(s * 1000 for s in seconds)
    q = statistics.quantiles(ms, n=4) if len(ms) >= 2 else [ms[0]] * 3
    return {
        "median": round(statistics.median(ms), 3),
        "p25": round(q[0], 3),
        "p75": round(q[2], 3),
        "min": round(ms[0], 3),
        "max": round(ms[-1], 3),
        "n": len(ms),
    }


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    data = sorted(values)
    if not data:
        return 0.0
    pos = (len(data) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def rss_mb() -> float:
    return status_kb("VmRSS") / 1024


def interleave(runs: int, *steps: Callable[[], float]) -> list[list[float]]:
    """Run each step `runs` times, alternating, so machine noise hits them alike."""
    samples: list[list[float]] = [[] for _ in steps]
    for _ in range(runs):
        for i, step in enumerate(steps):
            samples[i].append(step())
    return samples


# --- test media -----------------------------------------------------------------


def spin(seconds: float, until: Callable[[], bool] | None = None, poll_ms: int = 20) -> None:
    """Run the Qt event loop for `seconds`, or until `until()` is true, as the app would
    sit in it (never a loop of processEvents(), which keeps the interpreter busy)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    deadline = time.monotonic() + seconds
    poll = QTimer()
    poll.timeout.connect(
        lambda: loop.quit() if time.monotonic() > deadline or (until and until()) else None
    )
    poll.start(poll_ms)
    loop.exec()
    poll.stop()


def make_thumbnails(directory: Path, count: int) -> list[Path]:
    """`count` distinct 320x180 JPEG posters (cached), like the library's own."""
    from PIL import Image, ImageDraw

    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        out = directory / f"thumb_{i:05d}.jpg"
        if not out.is_file():
            img = Image.new("RGB", (320, 180), ((i * 37) % 256, (i * 91) % 256, (i * 53) % 256))
            ImageDraw.Draw(img).text((10, 80), f"clip {i}", fill=(255, 255, 255))
            img.save(out, "JPEG", quality=85)
        paths.append(out)
    return paths


def scratch_dir(prefix: str) -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix=f"qcut-bench-{prefix}-")


# --- synthetic library rows ---------------------------------------------------

WORDS = (  # noqa: SIM905
    "neon rain city night forest river mountain ocean desert storm lighthouse castle robot "
    "cat horse bird sunset sunrise snow fire smoke glass mirror train bridge tower garden "
    "flower market street crowd dancer violin piano astronaut moon planet galaxy nebula "
    "ship harbor wave cliff canyon waterfall meadow wolf fox owl lantern candle shadow "
    "portrait slow push aerial drone tracking shot close macro golden hour cinematic soft "
    "light fog mist"
).split()


def library_rows(n: int, thumbs: list[Path], root: Path) -> list[dict[str, Any]]:
    """`n` synthetic clips; about 1 % of prompts contain 'dragon'.

    Each clip gets an empty file under root/media: the library checks that its
    files exist when it opens, and a real library's files do.
    """
    rng = random.Random(n)
    (root / "media").mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        words = rng.choices(WORDS, k=rng.randint(15, 40))
        if i % 100 == 7:
            words[rng.randrange(len(words))] = "dragon"
        out.append(
            {
                "i": i,
                "name": f"AI (Veo 3.1 Fast) - clip {i:06d}.mp4",
                "path": str(root / "media" / f"clip_{i:06d}.mp4"),
                "prompt": " ".join(words),
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1.7e9 + i)) + ".000Z",
                "thumbnail": str(thumbs[i % len(thumbs)]),
            }
        )
        Path(str(out[-1]["path"])).touch()
    return out


def new_media(row: dict[str, Any]) -> Any:
    from qcut_ai.core.media import MediaKind, Origin, ProbeInfo, Provenance
    from qcut_ai.library.media_rows import NewMedia

    probe = ProbeInfo(
        kind=MediaKind.VIDEO,
        duration=5.0,
        width=1920,
        height=1080,
        fps=24.0,
        video_codec="h264",
        audio_codec="aac",
        has_audio=True,
        size=15_000_000,
        sha256=f"{row['i']:064x}",
    )
    prov = Provenance(
        endpoint="fal-ai/veo3.1/fast",
        model_id="veo3.1-fast",
        model_name="Veo 3.1 Fast",
        request_id=f"req-{row['i']:09d}",
        prompt=row["prompt"],
        arguments={"duration": "4s"},
        cost_estimate_usd=0.6,
    )
    return NewMedia(
        path=Path(row["path"]),
        probe=probe,
        origin=Origin.AI,
        provenance=prov,
        thumbnail=Path(row["thumbnail"]),
        created_at=row["created_at"],
    )


# --- the offline stand-in -------------------------------------------------------

# Five live models of 2026 (their default settings render at 720p-1080p).
BATCH_MODELS = ("veo3.1-fast", "veo3.1-lite", "kling-3-pro", "seedance-pro", "veo3.1")
PROMPT = "a lighthouse on a cliff in a storm, waves crashing, slow push in"


class _StandInProcess:
    """`qcut-ai standin` in its own process; `stop()` is what FalConnection.close() calls."""

    def __init__(self, profile: str, media_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "qcut_ai",
                "standin",
                "--profile",
                profile,
                "--media-dir",
                str(media_dir),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def standin_connection(cache: Path, profile: str, *, own_process: bool = False) -> Any:
    """A FalConnection to a stand-in whose renders are kept in `cache` between runs.

    The same as `engine.connection.connect(settings, offline=True)`, except
    that the media folder persists, so a rerun does not spend the CPU on
    encoding results again (fal renders remotely; local CPU is the project's).
    With `own_process` the stand-in's Python runs outside this process, as
    fal's servers do, so its threads never hold this process's GIL.
    """
    from qcut_ai.core.settings import Settings
    from qcut_ai.engine.connection import FalConnection, poll_policy
    from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
    from qcut_ai.services.secrets import FalKey

    media = cache / f"standin-{profile}"
    standin: Any = (
        _StandInProcess(profile, media)
        if own_process
        else StandIn(profile=profile, media_dir=media).start()
    )
    key = FalKey(OFFLINE_KEY, "offline")
    return FalConnection(
        key, base_url=standin.base_url, poll=poll_policy(Settings()), standin=standin
    )


def batch_plan(models: Sequence[str], queue_s: float, generate_s: float) -> tuple[Any, Any]:
    """(specs, request): 4 s 1080p on each model, with the stand-in latency tags."""
    from qcut_ai.core.catalog import load_catalog
    from qcut_ai.core.requests import GenerationRequest

    catalog = load_catalog()
    specs = [catalog.get(m) for m in models]
    prompt = f"{PROMPT} [queue:{queue_s:g}] [generate:{generate_s:g}]"
    return specs, GenerationRequest(prompt=prompt, resolution="1080p", duration=4)


def warm_renders(conn: Any, specs: Sequence[Any], request: Any) -> float:
    """Submit each job once with no latency so the stand-in has its render cached."""
    from qcut_ai.engine.batch import plan

    start = time.perf_counter()
    gateway = conn.gateway()
    subs = []
    for job in plan(specs, request):
        arguments = dict(job.arguments)
        # The render's caption drops the control tags, so these share its cache key.
        arguments["prompt"] = f"{PROMPT} [queue:0] [generate:0]"
        subs.append(gateway.submit(job.spec.endpoint, arguments))
    for sub in subs:
        gateway.wait(sub, typical_seconds=600)
    return time.perf_counter() - start


# --- loopback file server ---------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def copyfile(self, source: Any, outputfile: Any) -> None:
        # sendfile(2): the server costs next to no CPU, so it never limits the client.
        self.connection.sendfile(source)

    def log_message(self, format: str, *args: Any) -> None:
        return


def serve_main(directory: str) -> None:
    handler = lambda *a, **k: _Handler(*a, directory=directory, **k)  # noqa: E731
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        print(server.server_address[1], flush=True)
        server.serve_forever()


class FileServer:
    """Serves a directory on 127.0.0.1 from a separate process (its own GIL and CPU)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._proc: subprocess.Popen[str] | None = None
        self.port = 0

    def __enter__(self) -> FileServer:
        self._proc = subprocess.Popen(
            [sys.executable, __file__, "serve", str(self.directory)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        self.port = int(self._proc.stdout.readline().strip())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self._proc = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, name: str) -> str:
        return f"http://{self.host}/{name}"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve_main(sys.argv[2])
    else:
        sys.exit("usage: bench_common.py serve DIR")
