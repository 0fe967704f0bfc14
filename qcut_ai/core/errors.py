"""One exception tree for everything a user can meet.

`QcutError` and its subclasses carry a message that is one sentence saying
what happened, plus an optional hint saying what to do. Anything that is not
a `QcutError` is a bug, and the boundaries (CLI entry, tasks, the app's
excepthook) report it as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class QcutError(Exception):
    """Base class: an error a person can act on."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def user_text(self) -> str:
        """The message and the hint as one or two sentences for a person."""
        if self.hint:
            return f"{self.message} {self.hint}"
        return self.message

    def __str__(self) -> str:
        return self.user_text()


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field, named as the user sees it."""

    field: str
    value: Any
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidRequestError(QcutError):
    """A request that would be refused; nothing was sent or paid."""

    def __init__(self, errors: list[FieldError], *, model: str = "") -> None:
        self.errors = list(errors)
        self.model = model
        where = f" for {model}" if model else ""
        text = "; ".join(str(e) for e in self.errors) or "the request is not valid"
        super().__init__(f"Invalid request{where}: {text}.", hint="Nothing was sent or charged.")


class UnknownModelError(QcutError):
    """A model id or endpoint that is not in the catalogue."""


class ConfigError(QcutError):
    """Settings, paths or environment that cannot be used."""


class KeyStoreError(QcutError):
    """The OS keyring is missing, locked or refused the operation."""


class MediaError(QcutError):
    """A media file that cannot be read, probed or thumbnailed."""


class DownloadError(QcutError):
    """A result that could not be fetched or verified; nothing entered the library."""


class LibraryError(QcutError):
    """The project's database cannot be opened or written."""


class DamagedLibraryError(LibraryError):
    """The project database is damaged, empty or missing beside generated clips; the
    library can be rebuilt from the clips' provenance (`qcut-ai library rebuild`)."""


class BudgetError(QcutError):
    """A batch refused before any submit because of a budget or confirmation rule."""


class FalError(QcutError):
    """A failure talking to fal (or the offline stand-in)."""

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        request_id: str | None = None,
        status_code: int | None = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(message, hint=hint)
        self.request_id = request_id
        self.status_code = status_code
        self.retryable = retryable


class MissingKeyError(FalError):
    """No fal key is configured."""


class AuthError(FalError):
    """fal refused the key."""


class AccountError(FalError):
    """The account is locked, out of credit or not in good standing."""


class RejectedRequestError(FalError):
    """fal's validation refused the arguments (422 with a detail list)."""


class RateLimitedError(FalError):
    """fal answered 429 after our own retries."""


class TransientError(FalError):
    """Server errors, refused connections, DNS failures, timeouts."""


class AmbiguousSubmitError(FalError):
    """The submit may or may not have reached fal: never resubmit blindly."""


class ModelFailedError(FalError):
    """The job ran and fal reported an error or a content-policy refusal."""


class UntrustedAnswerError(FalError):
    """fal's answer pointed at a host the key must never go to, or was too large to read."""


class StuckJobError(FalError):
    """The job passed its deadline without finishing."""


class CancelledError(QcutError):
    """The user cancelled the job."""


class TimelineError(QcutError):
    """Clip times that do not fit together: an Out before its In, clips that overlap."""


class InterchangeError(QcutError):
    """A timeline that cannot be exported to, or imported from, an editor's file as asked."""
