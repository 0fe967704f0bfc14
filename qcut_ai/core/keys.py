"""The fal key as every layer sees it: a validated value that never shows its secret,
where it came from, and the answers of the key operations (stored in the OS keyring by
qcut_ai.services.secrets)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

from qcut_ai.core.errors import KeyStoreError

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


@dataclass(frozen=True)
class KeyStatus:
    """The key in use (None when there is none) and the keyring backend's name."""

    key: FalKey | None
    backend: str

    def describe(self) -> str:
        """One sentence for people: which key is used and from where (never the key)."""
        key = self.key
        if key is None:
            return "No key is saved: generations run in offline preview until you add one."
        if key.source == "env":
            return (
                f"In use: the key ending {key.masked}, from the {ENV_KEY} environment variable "
                "(this session)."
            )
        return f"In use: the key ending {key.masked}, from the system keyring ({self.backend})."


@dataclass(frozen=True)
class KeyCheck:
    """The answer of one key test: accepted or not, in one sentence."""

    ok: bool
    message: str


class KeyStore(Protocol):
    """Where the key is kept (the OS keyring: qcut_ai.services.secrets.KeyringStore)."""

    def backend_name(self) -> str: ...

    def get(self) -> str | None: ...

    def set(self, raw: str) -> None: ...

    def delete(self) -> bool: ...
