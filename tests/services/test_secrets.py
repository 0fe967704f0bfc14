"""The fal key lives in the OS keyring (a real Secret Service in CI), never in a file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qcut_ai.core.errors import KeyStoreError
from qcut_ai.services.secrets import KeyringStore, resolve_key, validate_key

ROUND_TRIP = r"""
import keyring
from keyring.backends import SecretService
keyring.set_keyring(SecretService.Keyring())
from qcut_ai.services.secrets import KeyringStore, resolve_key
store = KeyringStore(service="qcut-ai-test")
store.set("  abcd1234:ffffeeee0000  \n")
assert store.get() == "abcd1234:ffffeeee0000", store.get()
assert resolve_key(store).source == "keyring"
assert store.delete() is True
assert store.get() is None
print("ok")
"""


def _secret_service_available() -> bool:
    return bool(shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"))


def test_key_round_trips_through_a_real_secret_service(tmp_path: Path) -> None:
    if os.environ.get("QCUT_AI_TEST_SECRET_SERVICE") == "1" and os.environ.get(
        "DBUS_SESSION_BUS_ADDRESS"
    ):
        cmd = [sys.executable, "-c", ROUND_TRIP]
    elif _secret_service_available():
        script = tmp_path / "roundtrip.py"
        script.write_text(ROUND_TRIP)
        inner = (
            f"printf pw | XDG_DATA_HOME={tmp_path} gnome-keyring-daemon --unlock "
            "--components=secrets >/dev/null; "
            f"{sys.executable} {script}"
        )
        cmd = ["dbus-run-session", "--", "sh", "-c", inner]
    else:
        # No Secret Service on this machine: the app must say so in one sentence.
        code = (
            "import keyring\nfrom keyring.backends import fail\n"
            "keyring.set_keyring(fail.Keyring())\n"
            "from qcut_ai.services.secrets import KeyringStore\n"
            "from qcut_ai.core.errors import KeyStoreError\n"
            "try:\n    KeyringStore().set('abcd1234:ffff')\nexcept KeyStoreError as e:\n"
            "    assert 'no keyring service' in str(e) and 'FAL_KEY' in str(e), e\n"
            "    print('ok')\n"
        )
        cmd = [sys.executable, "-c", code]
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().endswith("ok")


def test_no_backend_gives_one_sentence_with_what_to_do() -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(KeyStoreError) as err:
            KeyringStore().get()
        assert "no keyring service" in str(err.value) and "FAL_KEY" in str(err.value)
    finally:
        keyring.set_keyring(previous)


@pytest.mark.parametrize("raw", ["", "   ", "\n", "has space:inside", "short", "ключ-ключ-ключ"])
def test_blank_or_malformed_keys_are_refused_before_any_request(raw: str) -> None:
    with pytest.raises(KeyStoreError):
        validate_key(raw)


def test_env_key_wins_and_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAL_KEY", " abcd1234:secretsecret ")
    key = resolve_key()
    assert key is not None and key.source == "env" and key.value == "abcd1234:secretsecret"
    assert "secretsecret" not in repr(key)


def test_key_set_reads_stdin_not_arguments(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    proc = subprocess.run(
        [sys.executable, "-m", "qcut_ai", "key", "set"],
        input="abcd1234:ffff\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    # With no keyring service the command explains itself instead of writing a file.
    assert proc.returncode == 2
    assert "no keyring service" in proc.stderr
    home = Path(os.environ["QCUT_AI_HOME"])
    written = [p for p in home.rglob("*") if p.is_file()] if home.exists() else []
    assert all("abcd1234" not in p.read_text(errors="ignore") for p in written)
