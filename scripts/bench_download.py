"""Download benchmark: a large file over loopback, `download()` against curl.

Both fetch the same file from the same loopback server (a separate process
using sendfile). The project's side runs `services.download.download()` in a
child process so its peak RSS growth (peak VmHWM minus the RSS just before
the download, imports done) is its own. download() fsyncs before renaming, so
"curl + fsync" is reported too.

    .venv/bin/python scripts/bench_download.py [--smoke] [--json out.json]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc

MB = 1_000_000


def make_random_file(directory: Path, size: int) -> Path:
    """`size` bytes of random data, made once and cached."""
    out = directory / f"random_{size}.bin"
    if out.is_file() and out.stat().st_size == size:
        return out
    tmp = directory / f".{out.name}.{os.getpid()}"
    with open(tmp, "wb") as fh:
        left = size
        while left:
            n = min(left, 8 << 20)
            fh.write(os.urandom(n))
            left -= n
    os.replace(tmp, out)
    return out


def peak_rss_mb() -> float:
    return bc.status_kb("VmHWM") / 1024


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux); False when the kernel refuses."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def timed_run(cmd: Sequence[str], **kwargs: Any) -> tuple[float, float]:
    """Run a command to completion: (wall seconds, its peak RSS in MB).

    The peak is read from /proc/PID/status while it runs: getrusage would also
    count the memory of the forked Python parent before exec.
    """
    peak = [0]
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), **kwargs)
    status = Path(f"/proc/{proc.pid}/status")

    def watch() -> None:
        while proc.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]))
            except (OSError, ValueError):
                pass
            time.sleep(0.005)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    code = proc.wait()
    elapsed = time.perf_counter() - start
    watcher.join()
    if code != 0:
        raise RuntimeError(f"{cmd[0]} exited with {code}")
    return elapsed, peak[0] / 1024


def child(url: str, dest: str, host: str) -> None:
    """Runs in the child process: one download() and its timings as a JSON line."""
    from qcut_ai.services.download import download
    from qcut_ai.services.media_hosts import AllowedHosts

    allowed = AllowedHosts(override=host)
    peak_reset = reset_peak_rss()
    before = bc.rss_mb()
    start = time.perf_counter()
    path = download(url, Path(dest), "big.bin", allowed=allowed)
    elapsed = time.perf_counter() - start
    peak = peak_rss_mb()
    size = path.stat().st_size
    path.unlink()
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "rss_before_mb": before,
                "peak_mb": peak,
                "bytes": size,
                "peak_reset": peak_reset,
            }
        )
    )


def run_project(url: str, dest: Path, host: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, str(dest), host],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def run_curl(url: str, dest: Path) -> dict[str, float]:
    out = dest / "curl.bin"
    seconds, peak = timed_run(["curl", "-s", "-f", "--noproxy", "*", "-o", str(out), url])
    start = time.perf_counter()
    fd = os.open(out, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync = time.perf_counter() - start
    size = out.stat().st_size
    out.unlink()
    return {"seconds": seconds, "fsync_seconds": fsync, "peak_mb": peak, "bytes": size}


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
        return 0
    p = bc.parser(__doc__ or "")
    p.add_argument("--size-mb", type=int, help="file size in MB (default 300, smoke 4)")
    p.add_argument("--runs", type=int, help="measured runs of each side (default 3, smoke 1)")
    args = p.parse_args(argv)
    size = (args.size_mb or (4 if args.smoke else 300)) * MB
    runs = args.runs or (1 if args.smoke else 3)
    blob = make_random_file(bc.cache_dir(args), size)
    curl: list[dict[str, float]] = []
    proj: list[dict[str, float]] = []
    with bc.scratch_dir("download") as tmp, bc.FileServer(blob.parent) as server:
        dest = Path(tmp)
        url = server.url(blob.name)
        if not args.smoke:
            run_curl(url, dest), run_project(url, dest, server.host)  # warm the page cache
        for _ in range(runs):
            curl.append(run_curl(url, dest))
            proj.append(run_project(url, dest, server.host))
    assert all(r["bytes"] == size for r in curl + proj)
    median = bc.stats_ms
    curl_ms = median([r["seconds"] for r in curl])
    curl_sync_ms = median([r["seconds"] + r["fsync_seconds"] for r in curl])
    proj_ms = median([r["seconds"] for r in proj])
    mb = size / MB
    curl_mbs = mb / (curl_ms["median"] / 1000)
    curl_sync_mbs = mb / (curl_sync_ms["median"] / 1000)
    proj_mbs = mb / (proj_ms["median"] / 1000)
    growth = max(r["peak_mb"] - r["rss_before_mb"] for r in proj)
    curl_peak = max(r["peak_mb"] for r in curl)
    ratio = proj_mbs / curl_mbs
    rows = [
        ("throughput MB/s", f"{proj_mbs:.0f}", f"{curl_mbs:.0f} (curl)", f"{ratio:.2f}"),
        ("", "", f"{curl_sync_mbs:.0f} (curl+fsync)", f"{proj_mbs / curl_sync_mbs:.2f}"),
        ("peak RSS growth MB", f"{growth:.1f}", f"{curl_peak:.1f} (curl peak)", ""),
    ]
    bc.report(
        "download",
        args,
        params={"bytes": size, "runs": runs, "server": "python http.server + sendfile"},
        results={
            "project_ms": proj_ms,
            "curl_ms": curl_ms,
            "curl_fsync_ms": curl_sync_ms,
            "project_mb_s": round(proj_mbs, 1),
            "curl_mb_s": round(curl_mbs, 1),
            "curl_fsync_mb_s": round(curl_sync_mbs, 1),
            "project_rss_growth_mb": round(growth, 2),
            "project_rss_before_mb": round(proj[0]["rss_before_mb"], 1),
            "curl_peak_rss_mb": round(curl_peak, 1),
            "bytes_downloaded": sum(int(r["bytes"]) for r in proj),
        },
        ratios={
            "throughput_vs_curl": ratio,
            "throughput_vs_curl_fsync": proj_mbs / curl_sync_mbs,
        },
        targets={
            "throughput_ratio": bc.target(ratio, 0.6, at_most=False),
            "rss_growth_mb": bc.target(growth, 20.0),
        },
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
