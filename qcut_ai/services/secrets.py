"""The fal key: from `FAL_KEY` when set, else the OS keyring. Never a file.

Also the key operations the CLI and the Settings dialog share (status, store
with a read-back check, forget); the check against fal is in the gateway.

Keyring failures (no backend, locked collection, D-Bus errors) become
KeyStoreError with a sentence saying what to do, never a traceback.
"""

from __future__ import annotations

import os

from qcut_ai.core.errors import KeyStoreError, MissingKeyError
from qcut_ai.core.keys import ENV_KEY, FalKey, KeyStatus, KeyStore, validate_key

SERVICE = "qcut-ai"
USERNAME = "fal-api-key"


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


def resolve_key(store: KeyStore | None = None) -> FalKey | None:
    """The key to use: FAL_KEY if set, else the keyring; None when neither has one."""
    env = os.environ.get(ENV_KEY)
    if env is not None and env.strip():
        return FalKey(validate_key(env), "env")
    stored = (store or KeyringStore()).get()
    if stored:
        return FalKey(validate_key(stored), "keyring")
    return None


def require_key(store: KeyStore | None = None) -> FalKey:
    key = resolve_key(store)
    if key is None:
        raise MissingKeyError(
            "No fal key is configured.",
            hint="Save one with `qcut-ai key set` (or in Settings), set FAL_KEY, "
            "or use offline preview (--offline) to try the app without paying.",
        )
    return key


_NO_KEYRING_HINT = (
    "Install and unlock a Secret Service keyring (e.g. gnome-keyring), "
    f"or set {ENV_KEY} for this session."
)


def key_status(store: KeyStore) -> KeyStatus:
    """The key in use and the keyring backend (reads the keyring: call from a worker)."""
    return KeyStatus(resolve_key(store), store.backend_name())


def store_key(store: KeyStore, raw: str) -> KeyStatus:
    """Store the key and read it back: a null backend 'saves' without keeping anything."""
    key = validate_key(raw)
    store.set(key)
    if store.get() != key:
        raise KeyStoreError(
            f"The key was not saved: the keyring backend ({store.backend_name()}) did not keep it.",
            hint=_NO_KEYRING_HINT,
        )
    return key_status(store)


def forget_key(store: KeyStore) -> tuple[bool, KeyStatus]:
    """Remove the stored key; (whether one was stored, the status after)."""
    return store.delete(), key_status(store)
