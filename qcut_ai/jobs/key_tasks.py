"""The key operations of the Settings dialog, as functions for a worker.

A Secret Service may wait on an unlock prompt and a test waits on the
network, so the dialog runs these on a task runner, never on the GUI thread.
"""

from __future__ import annotations

from qcut_ai.core.keys import KeyCheck, KeyStatus, KeyStore


def key_status(store: KeyStore) -> KeyStatus:
    from qcut_ai.services.secrets import key_status as status

    return status(store)


def save_key(store: KeyStore, key: str) -> KeyStatus:
    from qcut_ai.services.secrets import store_key

    return store_key(store, key)


def forget_key(store: KeyStore) -> tuple[bool, KeyStatus]:
    from qcut_ai.services.secrets import forget_key as forget

    return forget(store)


def test_key(store: KeyStore, typed: str) -> KeyCheck:
    """Test the typed key, else the key in use, with one free request to fal."""
    from qcut_ai.services.fal_endpoints import base_url_from_env
    from qcut_ai.services.key_check import check_key
    from qcut_ai.services.secrets import resolve_key

    key = typed.strip() or (found.value if (found := resolve_key(store)) else "")
    if not key:
        return KeyCheck(False, "There is no key to test: paste one above first.")
    return check_key(key, base_url_from_env())
