"""`qcut-ai standin` prints its URL first, serves, and exits 0 on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def test_standin_command_serves_until_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_PROXY": "127.0.0.1,localhost"}
    env.pop("QCUT_AI_STANDIN_FAULTS", None)
    code = "import sys; from qcut_ai.commands import standin; sys.exit(standin.main(sys.argv[1:]))"
    args = ["--profile", "instant", "--faults", "http-500", "--media-dir", str(tmp_path)]
    with subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            base_url = proc.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:")
            with httpx.Client() as http:
                assert http.get(base_url + "/health").json()["profile"] == "instant"
                submit = http.post(
                    base_url + "/fal-ai/veo3", json={}, headers={"Authorization": "Key k"}
                )
                assert submit.status_code == 500  # the --faults option armed it
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 0, stderr


def test_standin_command_rejects_unknown_faults() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "import sys; from qcut_ai.commands import standin; sys.exit(standin.main(sys.argv[1:]))"
    proc = subprocess.run(
        [sys.executable, "-c", code, "--faults", "nope"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 2
    assert "Unknown stand-in fault" in proc.stderr
