"""The business settings' values, without Django: the default in ``settings.HUIKUAN`` and a
stored override converted to the default's type.

``huikuan.core.policy`` reads and writes the overrides through the ORM with these rules;
``huikuan aging --json`` (``huikuan.cli.quick``) reads the functional currency with them
without starting Django.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


class BadSettingValue(ValueError):
    """A value that is not of its setting's type (the policy module raises RuleViolation)."""


def default_value(settings: Any, key: str) -> Any:
    """The default of setting ``key`` in the settings ``settings`` (``KeyError`` for none)."""
    return settings.HUIKUAN[key]


def converted(default: Any, value: Any, key: str) -> Any:
    """``value`` (from JSON or a form) converted to the type of ``default``, or
    ``BadSettingValue`` saying why not (the setting ``key``, the value, the type)."""
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                if value.strip().lower() in {"1", "true", "yes", "on"}:
                    return True
                if value.strip().lower() in {"0", "false", "no", "off", ""}:
                    return False
                raise ValueError(value)
            return bool(value)
        if isinstance(default, Decimal):
            if isinstance(value, float):
                raise ValueError("decimals are given as strings, never floats")
            result = Decimal(str(value).strip())
            if not result.is_finite():
                raise ValueError(value)
            return result
        if isinstance(default, int):
            if isinstance(value, float):
                raise ValueError(value)
            return int(str(value).strip())
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise ValueError("expected a mapping")
            sample = next(iter(default.values()), None)
            return {str(k): (v if sample is None else converted(sample, v, key)) for k, v in value.items()}
        if isinstance(default, str):
            return str(value)
    except BadSettingValue:
        raise
    except (ValueError, TypeError, InvalidOperation) as error:
        raise BadSettingValue(
            f"setting {key}: {value!r} is not a valid {type(default).__name__} ({error})"
        ) from None
    return value
