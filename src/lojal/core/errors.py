"""Domain errors raised by services and selectors; the API and the pages turn them into clear messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class LojalError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    title = "Bad request"

    def __init__(
        self,
        message: str,
        *,
        errors: Mapping[str, list[str]] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = {key: list(value) for key, value in (errors or {}).items()}
        #: Members the API's problem document carries besides the standard ones (RFC 9457 extensions),
        #: such as ``merged_into`` on a customer merged away.
        self.extra: dict[str, Any] = dict(extra or {})


class ValidationError(LojalError):
    """Input that breaks a rule; ``errors`` maps each bad field to its reasons."""

    status = 422
    title = "Invalid input"

    @classmethod
    def for_field(cls, field: str, reason: str) -> ValidationError:
        return cls(f"{field}: {reason}", errors={field: [reason]})


class NotFound(LojalError):
    status = 404
    title = "Not found"


class PermissionDenied(LojalError):
    status = 403
    title = "Forbidden"


class Conflict(LojalError):
    """The request is valid but clashes with what is stored (a unique number already in use, say)."""

    status = 409
    title = "Conflict"


class TooManyAttempts(LojalError):
    """Past a rate limit; ``extra["retry_after"]`` says in how many seconds to try again (429)."""

    status = 429
    title = "Too many requests"
