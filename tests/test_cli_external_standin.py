"""`generate` against a stand-in started on its own, reached through QCUT_AI_FAL_URL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_generate_through_qcut_ai_fal_url(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "qcut_ai", "standin", "--port", "0", "--profile", "instant"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        env = {**os.environ, "QCUT_AI_FAL_URL": base_url, "FAL_KEY": "offline-preview"}
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "qcut_ai",
                "generate",
                "--model",
                "wan-2.2-turbo",
                "--prompt",
                "paper boats on a pond",
                "--project",
                str(tmp_path / "P"),
                "--json",
                "--yes",
            ],
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
        (item,) = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
        assert item["model"] == "fal-ai/wan/v2.2-a14b/text-to-video/turbo"
        assert Path(item["path"]).is_file()
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()
