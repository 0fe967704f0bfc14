"""The fal key: from `FAL_KEY` when set, else the OS keyring. Never a file.

Keyring failures (no backend, locked collection, D-Bus errors) become
KeyStoreError with a sentence saying what to do, never a traceback.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal

from qcut_ai.core.errors import KeyStoreError, MissingKeyError

SERVICE = "qcut-ai"
USERNAME = "fal-api-key"
ENV_KEY = "FAL_KEY"
# fal keys are "<key id>:<secret>"; accept any printable ASCII token without
# whitespace so a pasted newline or space is caught before a request is sent.
_KEY_RE = re.compile(r"^[\x21-\x7e]{8,512}$")

KeySource = Literal["env", "keyring", "offline"]


@dataclass(frozen=True)
class FalKey:
    """A validated key and where it came from. The repr hides the secret."""

    value: str
    source: KeySource

    def __repr__(self) -> str:
        return f"FalKey(source={self.source!r}, value='…{self.value[-4:]}')"

    @property
    def masked(self) -> str:
        return "…" + self.value[-4:] if len(self.value) > 8 else "…"


def validate_key(raw: str) -> str:
    """Return the key stripped of surrounding whitespace, or raise KeyStoreError."""
    key = raw.strip()
    if not key:
        raise KeyStoreError(
            "The fal key is empty.", hint="Paste the key from fal.ai/dashboard/keys."
        )
    if not _KEY_RE.match(key):
        raise KeyStoreError(
            "The fal key is malformed: it must be 8-512 printable characters with no spaces.",
            hint="Copy it again from fal.ai/dashboard/keys.",
        )
    return key


def _keyring_error(action: str, exc: Exception) -> KeyStoreError:
    name = type(exc).__name__
    if name == "NoKeyringError":
        return KeyStoreError(
            f"Could not {action} the fal key: this system has no keyring service.",
            hint="Install and unlock a Secret Service keyring (e.g. gnome-keyring), "
            "or set the FAL_KEY environment variable.",
        )
    return KeyStoreError(
        f"Could not {action} the fal key: the system keyring refused ({name}).",
        hint="Unlock your keyring and try again, or set the FAL_KEY environment variable.",
    )


class KeyringStore:
    """Reads and writes the fal key in the OS keyring."""

    def __init__(self, service: str = SERVICE, username: str = USERNAME) -> None:
        self.service = service
        self.username = username

    def backend_name(self) -> str:
        import keyring

        return type(keyring.get_keyring()).__module__

    def get(self) -> str | None:
        import keyring

        try:
            value = keyring.get_password(self.service, self.username)
        except Exception as exc:  # every backend error becomes one sentence
            raise _keyring_error("read", exc) from exc
        return value or None

    def set(self, raw: str) -> None:
        import keyring

        key = validate_key(raw)
        try:
            keyring.set_password(self.service, self.username, key)
        except Exception as exc:
            raise _keyring_error("save", exc) from exc

    def delete(self) -> bool:
        """Remove the key; False when none was stored."""
        import keyring
        import keyring.errors

        try:
            keyring.delete_password(self.service, self.username)
        except keyring.errors.PasswordDeleteError:
            return False
        except Exception as exc:
            raise _keyring_error("remove", exc) from exc
        return True


def resolve_key(store: KeyringStore | None = None) -> FalKey | None:
    """The key to use: FAL_KEY if set, else the keyring; None when neither has one."""
    env = os.environ.get(ENV_KEY)
    if env is not None and env.strip():
        return FalKey(validate_key(env), "env")
    stored = (store or KeyringStore()).get()
    if stored:
        return FalKey(validate_key(stored), "keyring")
    return None


def require_key(store: KeyringStore | None = None) -> FalKey:
    key = resolve_key(store)
    if key is None:
        raise MissingKeyError(
            "No fal key is configured.",
            hint="Save one with `qcut-ai key set` (or in Settings), set FAL_KEY, "
            "or use offline preview (--offline) to try the app without paying.",
        )
    return key
