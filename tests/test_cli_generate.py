"""The slice end to end: CLI → real fal-client → stand-in over HTTP → file → library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

PROMPT = "a red fox running through snow"


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qcut_ai", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(env or {})},
    )


def test_offline_generate_puts_a_real_clip_in_the_library(tmp_path: Path) -> None:
    project = tmp_path / "Fox"
    proc = _cli(
        "generate",
        "--offline",
        "--model",
        "kling-2.5-turbo-pro",
        "--prompt",
        PROMPT,
        "--project",
        str(project),
        "--json",
        # "fast" keeps true durations (smaller frames); "instant" caps them for speed.
        env={"QCUT_AI_STANDIN_PROFILE": "fast"},
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    item = lines[0]
    for key in (
        "id",
        "name",
        "path",
        "thumbnail",
        "model",
        "request_id",
        "prompt",
        "duration",
        "width",
        "height",
        "cost_estimate_usd",
    ):
        assert key in item, key
    assert item["model"] == "fal-ai/kling-video/v2.5-turbo/pro/text-to-video"
    assert item["prompt"] == PROMPT
    assert item["name"].startswith("AI (Kling")
    clip = Path(item["path"])
    assert clip.is_file() and clip.parent == (project / "media").resolve()
    assert not list(clip.parent.glob("*.part"))
    assert abs(item["duration"] - 5.0) < 0.3  # Kling default is "5"
    assert item["width"] > item["height"]  # 16:9 by default
    assert item["cost_estimate_usd"] == 0.35
    with Image.open(item["thumbnail"]) as thumb:
        thumb.load()
        assert thumb.width > 0 and thumb.height > 0

    listed = _cli("library", "list", "--project", str(project), "--json")
    assert listed.returncode == 0, listed.stderr
    flat = json.loads(listed.stdout)
    assert [r["request_id"] for r in flat] == [item["request_id"]]

    jobs = _cli("jobs", "--project", str(project), "--json")
    assert jobs.returncode == 0, jobs.stderr
    (job,) = [json.loads(line) for line in jobs.stdout.splitlines() if line.strip()]
    assert job["state"] == "done" and job["request_id"] == item["request_id"]


def test_invalid_request_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    proc = _cli(
        "generate",
        "--offline",
        "--model",
        "kling-2.5-turbo-pro",
        "--prompt",
        PROMPT,
        "--duration",
        "7",
        "--project",
        str(tmp_path / "P"),
        "--json",
    )
    assert proc.returncode == 2
    assert "duration" in proc.stderr and proc.stdout == ""
    assert "Nothing was sent" in proc.stderr


def test_without_a_key_generate_says_what_to_do(tmp_path: Path) -> None:
    proc = _cli(
        "generate",
        "--model",
        "kling-3-std",
        "--prompt",
        PROMPT,
        "--yes",
        "--project",
        str(tmp_path / "P"),
    )
    assert proc.returncode == 2
    assert "No fal key is configured" in proc.stderr and "--offline" in proc.stderr


def test_version_and_module_entry_point() -> None:
    proc = _cli("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("qcut-ai ")
