"""The one family of errors the interfaces map to HTTP statuses and exit codes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext


class ApplicationError(Exception):
    """A refusal a user can act on: the message says what and why."""

    def __init__(self, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotFound(ApplicationError):
    pass


class RuleViolation(ApplicationError):
    """A business rule refused the change (over-allocation, currency mismatch...)."""


@dataclass(frozen=True)
class RowError:
    """One bad value in an input file: where, what and why."""

    line: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "value": self.value, "reason": self.reason}

    def __str__(self) -> str:
        return gettext("line %(line)s, column %(column)r, value %(value)r: %(reason)s") % self.as_dict()


@dataclass
class InputRejected(ApplicationError):
    """An input file with bad rows: nothing of it was written."""

    errors: list[RowError] = field(default_factory=list)
    summary: str = ""

    def __post_init__(self) -> None:
        message = self.summary or gettext("%(count)s bad row value(s); nothing was imported") % {
            "count": len(self.errors)
        }
        super().__init__(message)
