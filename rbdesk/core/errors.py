"""User-facing errors. Every message says what happened and what to do."""

from __future__ import annotations


class RbdeskError(Exception):
    """An error whose message can be shown to the user as it is."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class NotFoundError(RbdeskError):
    """A runbook, source, alert or run that does not exist."""

    exit_code = 1


class ConfigError(RbdeskError):
    """A broken or invalid configuration file or value."""
