"""`qcut-ai models` and `qcut-ai estimate`, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from qcut_ai.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_models_prints_a_table_per_category(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    for heading in ("text-to-video (19)", "image-to-video (14)", "frame-to-video (2)"):
        assert heading in out
    assert "avatar (6)" in out and "upscale (3)" in out
    line = next(row for row in out.splitlines() if " kling-2.1-master " in row)
    assert "Kling 2.1 Master" in line and "Premium" in line and "$1.40" in line
    assert "price unknown" in next(row for row in out.splitlines() if " veo3-fast " in row)


def test_models_category_filter_includes_models_also_offered_there(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["models", "--category", "frame-to-video"]) == 0
    out = capsys.readouterr().out
    assert "veo3.1-flf" in out and "kling-2.5-turbo-pro-i2v" in out
    assert "sora-2 " not in out


def test_models_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--json"]) == 0
    models = json.loads(capsys.readouterr().out)
    assert len(models) == 44
    kling = next(m for m in models if m["id"] == "kling-2.1-master")
    assert kling["endpoint"] == "fal-ai/kling-video/v2.1/master/text-to-video"
    assert kling["durations"] == [5, 10]
    assert Decimal(kling["default_price"]["usd"]) == Decimal("1.40")
    assert kling["default_price"]["grade"] == "fal"
    unknown = next(m for m in models if m["id"] == "sora-2-remix")
    assert unknown["default_price"]["usd"] is None
    assert unknown["default_price"]["text"] == "price unknown"


def test_estimate_by_short_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", "--model", "kling-2.6-pro", "--duration", "10", "--no-audio"]) == 0
    out = capsys.readouterr().out
    assert "Kling 2.6 Pro (kling-2.6-pro): $0.70" in out
    assert "generate_audio=False" in out


def test_estimate_by_endpoint_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["estimate", "--model", "fal-ai/veo3.1", "--resolution", "4k", "--duration", "4"]
    assert main([*argv, "--audio", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["model"] == "veo3.1"
    assert Decimal(result["usd"]) == Decimal("2.40")
    assert result["arguments"] == {
        "duration": "4s",
        "resolution": "4k",
        "aspect_ratio": "16:9",
        "generate_audio": True,
    }


def test_estimate_avatar_needs_media_length(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", "--model", "omnihuman-1.5"]) == 0
    assert "price unknown" in capsys.readouterr().out
    assert main(["estimate", "--model", "omnihuman-1.5", "--media-seconds", "5"]) == 0
    assert "$0.80" in capsys.readouterr().out
    argv = ["estimate", "--model", "flashvsr", "--source-video", "1280", "720", "30", "2"]
    assert main(argv) == 0
    assert "$0.111" in capsys.readouterr().out


def test_estimate_refuses_bad_values_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", "--model", "veo3.1", "--duration", "5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qcut-ai: Invalid request for Veo 3.1: duration: 5 s is not offered")
    assert len(err.strip().splitlines()) == 1
    assert main(["estimate", "--model", "kling-2.1-mastr"]) == 2
    assert "kling-2.1-master" in capsys.readouterr().err


def test_models_json_runs_without_qt_or_network_libraries() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from qcut_ai.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['models', '--json']) == 0\n"
        "    assert main(['estimate', '--model', 'sora-2']) == 0\n"
        "heavy = {'PySide6', 'httpx', 'av', 'fal_client'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
