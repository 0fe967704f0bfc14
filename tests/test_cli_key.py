"""`qcut-ai key`: a key the keyring does not keep is reported, and `status --check` asks fal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qcut_ai.cli import main
from qcut_ai.services.rehearsal import StandIn

GOOD = "abcd1234:goodgoodgood"
WRONG = "abcd1234:wrongwrongwrong"


def test_key_set_reads_the_key_back_and_says_when_the_keyring_kept_nothing() -> None:
    # The null backend accepts every write and keeps nothing.
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    proc = subprocess.run(
        [sys.executable, "-m", "qcut_ai", "key", "set"],
        input=GOOD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 2
    assert "The key was not saved" in proc.stderr and "did not keep it" in proc.stderr
    assert "Saved" not in proc.stdout


@pytest.mark.parametrize(
    ("key", "code", "words"),
    [(GOOD, 0, "fal accepted the key."), (WRONG, 1, "The key was refused")],
)
def test_key_status_check_asks_fal_with_one_free_request(
    key: str,
    code: int,
    words: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with StandIn(keys={GOOD}, media_dir=tmp_path / "standin") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", key)
        assert main(["key", "status", "--check"]) == code
        assert server.submissions == []  # a status read, nothing that could be billed
    out = capsys.readouterr().out
    assert f"A fal key ending …{key[-4:]} is set in FAL_KEY." in out
    assert words in out
    assert key.split(":")[1] not in out
