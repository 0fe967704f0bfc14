"""`qcut-ai prompt build|enhance|presets` and `qcut-ai template list|save|show|remove`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from qcut_ai.cli import EXIT_USER_ERROR, main
from qcut_ai.core.settings import Settings
from qcut_ai.services.settings_store import SettingsStore
from qcut_ai.services.template_store import TemplateStore


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_build_prints_the_prompt_with_camera_commands_for_hailuo(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(
        capsys,
        "prompt",
        "build",
        "--subject",
        "a red fox in fresh snow",
        "--scene",
        "it pauses",
        "--scene",
        "it leaps into a drift",
        "--camera",
        "pan_left",
        "--style",
        "anime",
        "--platform",
        "tiktok",
        "--model",
        "hailuo-2.3-pro",
    )
    assert code == 0, err
    prompt = out.strip()
    assert prompt.startswith("[Pan left] A red fox in fresh snow. First, it pauses.")
    assert "anime" in prompt.lower()
    assert "9:16" in err and "6 s" in err


def test_build_json_gives_aspect_duration_and_length_verdicts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(
        capsys,
        "prompt",
        "build",
        "--subject",
        "a lighthouse " * 140,
        "--platform",
        "youtube",
        "--model",
        "veo3.1,wan-2.5",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["aspect_ratio"] == "16:9" and data["duration"] == 10
    verdicts = {v["model"]: v["verdict"] for v in data["lengths"]}
    assert verdicts == {"veo3.1": "fits", "wan-2.5": "truncated"}


def test_build_refuses_an_unknown_platform_and_an_empty_prompt(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = _run(capsys, "prompt", "build", "--subject", "x", "--platform", "myspace")
    assert code == EXIT_USER_ERROR and "reels, tiktok, shorts, youtube, square" in err
    code, _, err = _run(capsys, "prompt", "build")
    assert code == EXIT_USER_ERROR and "subject" in err
    code, _, err = _run(capsys, "prompt", "build", *[a for s in "abcd" for a in ("--scene", s)])
    assert code == EXIT_USER_ERROR and "at most 3 scenes" in err


def test_enhance_refuses_a_paid_call_without_yes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "prompt", "enhance", "--model", "veo3.1", "--prompt", "a fox")
    assert code == EXIT_USER_ERROR and out == ""
    assert "$0.001" in err and "--yes" in err


def test_enhance_offline_returns_the_stand_ins_rewrite(capsys: pytest.CaptureFixture[str]) -> None:
    SettingsStore().save(Settings(poll_interval_s=0.05, poll_max_interval_s=0.1))
    args = ("prompt", "enhance", "--model", "hailuo-2.3-pro", "--prompt", "a fox", "--offline")
    code, out, err = _run(capsys, *args, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["offline"] is True and data["price_usd"] is None
    assert data["prompt"].startswith("a fox") and len(data["prompt"]) > 20
    assert data["lengths"][0]["verdict"] == "fits"
    code, out, err = _run(capsys, *args)
    assert code == 0 and out.strip() == data["prompt"]
    assert "nothing charged" in err


def test_presets_lists_styles_platforms_and_camera(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "prompt", "presets", "--json")
    assert code == 0
    data = json.loads(out)
    assert "noir" in [s["id"] for s in data["styles"]]
    assert {"id": "pan_left", "label": "Pan left", "keyword": "[Pan left]"} in data["camera"]


def test_template_save_list_show_remove(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        capsys,
        "template",
        "save",
        "--name",
        "Fox",
        "--prompt",
        "A {subject} in {place}",
        "--aspect-ratio",
        "9:16",
        "--duration",
        "6",
    )
    assert code == 0, err
    assert "{subject}, {place}" in out
    assert TemplateStore().get("fox").duration == 6

    code, out, _ = _run(capsys, "template", "list", "--json")
    assert json.loads(out)[0]["variables"] == ["subject", "place"]

    code, out, _ = _run(
        capsys, "template", "show", "fox", "--var", "subject=wolf", "--var", "place=woods"
    )
    assert code == 0 and out.strip() == "A wolf in woods"

    code, _, err = _run(capsys, "template", "show", "fox", "--var", "subject=wolf")
    assert code == EXIT_USER_ERROR and "{place}" in err

    code, out, _ = _run(capsys, "template", "remove", "Fox")
    assert code == 0 and "Removed" in out
    code, _, err = _run(capsys, "template", "show", "fox")
    assert code == EXIT_USER_ERROR and "No template named 'fox'" in err


def test_the_installed_command_runs_without_qt() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from qcut_ai.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['prompt', 'build', '--subject', 'a fox']) == 0\n"
        "    assert main(['template', 'list']) == 0\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was imported'\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=os.environ
    )
    assert proc.returncode == 0, proc.stderr


def test_generate_from_a_template_fills_prompt_aspect_and_duration(
    capsys: pytest.CaptureFixture[str], tmp_path: os.PathLike[str]
) -> None:
    SettingsStore().save(Settings(poll_interval_s=0.05, poll_max_interval_s=0.1))
    TemplateStore().save("Fox", "a {subject} crossing {place} at dawn", aspect_ratio="9:16")
    project = f"{tmp_path}/P"
    argv = ["generate", "--model", "kling-2.5-turbo-pro", "--template", "fox", "--offline"]
    code, out, err = _run(
        capsys,
        *argv,
        "--var",
        "subject=fox",
        "--var",
        "place=a frozen lake",
        "--project",
        project,
        "--json",
    )
    assert code == 0, err
    item = json.loads(out)
    assert item["prompt"] == "a fox crossing a frozen lake at dawn"
    assert item["height"] > item["width"]  # 9:16 from the template

    code, _, err = _run(capsys, *argv, "--var", "subject=fox", "--project", project)
    assert code == EXIT_USER_ERROR
    assert "{place}" in err and "nothing was sent" in err
