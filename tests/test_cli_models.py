"""`qcut-ai models`, `qcut-ai models sync` and `qcut-ai estimate`, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from qcut_ai.cli import main
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fal_at_standin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    """Platform API calls go to a stand-in (like all fal traffic with QCUT_AI_FAL_URL)."""
    monkeypatch.delenv("QCUT_AI_STANDIN_FAULTS", raising=False)
    with StandIn(media_dir=tmp_path / "standin") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
        yield server


def test_models_prints_a_table_per_category_and_the_retired_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    for heading in ("text-to-video (", "extend (", "reference-to-video (", "lipsync ("):
        assert heading in out
    line = next(row for row in out.splitlines() if " kling-2.1-master " in row)
    assert "Kling 2.1 Master" in line and "Premium" in line and "$1.40" in line
    assert "price unknown" in next(row for row in out.splitlines() if " seedance-2.0 " in row)
    retired = out.split("retired by fal (13;")[1]
    assert "sora-2 " in retired and "veo3.1, seedance-2.0, kling-3-pro" in retired
    offered = out.split("retired by fal (")[0]
    assert " sora-2 " not in offered and " veo3 " not in offered


def test_models_category_filter_includes_models_also_offered_there(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["models", "--category", "frame-to-video"]) == 0
    out = capsys.readouterr().out
    assert "veo3.1-flf" in out and "kling-2.5-turbo-pro-i2v" in out
    assert "kling-3-std " not in out.split("retired")[0]


def test_models_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--json"]) == 0
    models = json.loads(capsys.readouterr().out)
    active = [m for m in models if m["status"] == "active"]
    assert len(active) >= 70 and len(models) - len(active) == 13
    kling = next(m for m in models if m["id"] == "kling-2.1-master")
    assert kling["endpoint"] == "fal-ai/kling-video/v2.1/master/text-to-video"
    assert kling["durations"] == [5, 10]
    assert Decimal(kling["default_price"]["usd"]) == Decimal("1.40")
    assert kling["default_price"]["grade"] == "fal"
    assert kling["price_check"] == "unknown" and kling["synced_at"].startswith("2026-08-27")
    sora = next(m for m in models if m["id"] == "sora-2")
    assert (sora["status"], sora["successor"], sora["retired_on"]) == (
        "retired",
        "veo3.1",
        "2026-09-24",
    )
    unknown = next(m for m in models if m["id"] == "seedance-2.0")
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
    assert result["model"] == "veo3.1" and result["price_check"] == "unknown"
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


def test_models_sync_reports_what_fal_added_changed_and_retired(
    fal_at_standin: StandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    fal_at_standin.registry.retire("fal-ai/veo3.1/lite")
    record = fal_at_standin.registry.record("fal-ai/kling-video/v3/standard/text-to-video")
    duration = next(i for i in record["inputs"] if i["name"] == "duration")
    duration["enum"] = [*duration["enum"], "20"]
    fal_at_standin.registry.add({**record, "updated_at": "2026-11-02T00:00:00Z"})
    assert main(["models", "sync"]) == 0
    out = capsys.readouterr().out
    assert "Added (10):" in out and "veed/fabric-1.0: Fabric 1.0, avatar" in out
    assert "Retired (1):\n  veo3.1-lite (fal-ai/veo3.1/lite): Veo 3.1 Lite, text-to-video" in out
    assert "kling-3-std (fal-ai/kling-video/v3/standard/text-to-video)" in out
    assert "    duration: choices + '20'" in out
    assert main(["models", "--json"]) == 0
    models = {m["id"]: m for m in json.loads(capsys.readouterr().out)}
    assert models["veo3.1-lite"]["status"] == "retired"
    assert (
        models["veed/fabric-1.0"]["status"] == "active" and not models["veed/fabric-1.0"]["curated"]
    )
    assert models["kling-3-std"]["price_check"] == "ok"
    assert 20 in models["kling-3-std"]["durations"]


def test_models_sync_json_and_nothing_changed(
    fal_at_standin: StandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "sync", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["applied"] and len(first["added"]) == 10 and first["priced"] > 70
    assert main(["models", "sync"]) == 0
    assert "Nothing changed." in capsys.readouterr().out


def test_models_sync_by_endpoint_and_its_failures_are_one_line(
    fal_at_standin: StandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    fal_at_standin.registry.forget("fal-ai/veo3.1/fast")
    assert main(["models", "sync", "--endpoint", "fal-ai/veo3.1/fast"]) == 0
    assert "Retired (1):\n  veo3.1-fast" in capsys.readouterr().out
    fal_at_standin.inject("platform-500", times=None)
    assert main(["models", "sync"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qcut-ai: fal had a server error (500) when asked for the model list")
    assert len(err.strip().splitlines()) == 1


def test_models_json_runs_without_qt_or_network_libraries() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from qcut_ai.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['models', '--json']) == 0\n"
        "    assert main(['estimate', '--model', 'kling-3-std']) == 0\n"
        "heavy = {'PySide6', 'httpx', 'av', 'fal_client'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr


def test_a_price_that_moved_at_fal_is_flagged_and_must_be_confirmed(
    fal_at_standin: StandIn, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fal_at_standin.registry.set_price("fal-ai/veo3.1/lite", 0.09)
    assert main(["models", "sync"]) == 0
    assert "unit price: $0.05 per second -> $0.09 per second" not in capsys.readouterr().out
    assert main(["estimate", "--model", "veo3.1-lite"]) == 0
    out = capsys.readouterr().out
    assert "$0.40 (price changed at fal: check)" in out
    assert "fal's unit price at the last sync: $0.09 per second" in out
    argv = ["generate", "--model", "veo3.1-lite", "--prompt", "a heron", "--project", str(tmp_path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "fal's price for Veo 3.1 Lite changed" in err and "--yes" in err
    assert fal_at_standin.submissions == []
