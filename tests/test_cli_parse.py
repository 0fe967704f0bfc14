"""The window's start parses its options without registering the sub-commands,
and every sub-command is still reached by its name."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from qcut_ai import cli


def _registered(parser: argparse.ArgumentParser) -> set[str]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(actions[0].choices)


def test_every_registered_command_is_known_by_name() -> None:
    # A sub-command missing from COMMANDS would be unreachable from the window's parser.
    assert _registered(cli.build_parser()) == set(cli.COMMANDS)


def test_the_window_start_loads_no_command_module() -> None:
    code = (
        "import sys\nfrom qcut_ai import cli\n"
        "args = cli.parse_args(['--project', 'models-folder', '--size', '1280x720'])\n"
        "print(args.command, args.project, args.size)\n"
        "print(sorted(m for m in sys.modules if m.startswith('qcut_ai.commands.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout.splitlines()
    assert out == ["None models-folder (1280, 720)", "[]"]


def test_a_command_name_reaches_its_command() -> None:
    args = cli.parse_args(["models", "--json"])
    assert args.command == "models"
    assert args.json is True


def test_a_mistyped_command_names_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.parse_args(["genrate", "a dragon"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'genrate'" in err
    assert "'generate'" in err


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.parse_args(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in cli.COMMANDS)


def test_a_bad_window_option_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.parse_args(["--size", "10x10"])
    assert exit_.value.code == 2
    assert "'10x10' is not a window size" in capsys.readouterr().err
