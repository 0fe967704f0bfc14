"""`qcut-ai key set|status|remove`: the fal key in the OS keyring.

`set` reads the key from a hidden prompt or stdin, never from arguments,
so it cannot leak into shell history or process listings.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("key", help="store, check or remove the fal key in the OS keyring")
    p.add_argument("action", choices=["set", "status", "remove"])
    p.add_argument(
        "--check",
        action="store_true",
        help="with status: test the key with one free request to fal",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from qcut_ai.services.secrets import ENV_KEY, KeyringStore, resolve_key, store_key

    store = KeyringStore()
    if args.action == "set":
        if sys.stdin.isatty():
            import getpass

            raw = getpass.getpass("fal key (input hidden): ")
        else:
            raw = sys.stdin.readline()
        store_key(store, raw)  # read back: a keyring that drops it is reported here
        print("Saved the fal key to the system keyring.")
        return 0
    if args.action == "remove":
        removed = store.delete()
        print("Removed the fal key." if removed else "No fal key was stored.")
        return 0
    key = resolve_key(store)
    if key is None:
        print(f"No fal key: set one with `qcut-ai key set` or {ENV_KEY}; --offline works without.")
        return 1
    where = ENV_KEY if key.source == "env" else f"the system keyring ({store.backend_name()})"
    print(f"A fal key ending {key.masked} is set in {where}.")
    if not args.check:
        return 0
    from qcut_ai.services.fal_endpoints import base_url_from_env
    from qcut_ai.services.key_check import check_key

    checked = check_key(key.value, base_url_from_env())
    print(checked.message)
    return 0 if checked.ok else 1
