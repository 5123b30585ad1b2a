"""Read and change the business settings (defaults in ``settings.HUIKUAN``, overrides in the database).

A value keeps the type of its default: a ``Decimal`` default gives a ``Decimal``, a dict
of decimals a dict of decimals, an ``int`` an ``int``. Jobs read a setting once per run.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from huikuan.core.errors import NotFound, RuleViolation
from huikuan.core.policy_values import BadSettingValue, converted, default_value


def policy_defaults() -> dict[str, Any]:
    return dict(settings.HUIKUAN)


def _default(key: str) -> Any:
    try:
        return default_value(settings, key)
    except KeyError:
        raise NotFound(f"no setting named {key!r}") from None


def _to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    return value


def _like(default: Any, value: Any, key: str) -> Any:
    """``value`` (from JSON or a form) converted to the type of ``default``."""
    try:
        return converted(default, value, key)
    except BadSettingValue as error:
        raise RuleViolation(str(error)) from None


def policy_value(key: str) -> Any:
    """The value in force: the stored override, else the default from ``settings.HUIKUAN``."""
    from huikuan.core.models import PolicySetting

    default = _default(key)
    stored = PolicySetting.objects.filter(key=key).values_list("value", flat=True).first()
    if stored is None:
        return default
    return _like(default, stored, key)


def policy_values() -> dict[str, Any]:
    """Every setting in force, overrides applied."""
    from huikuan.core.models import PolicySetting

    values = policy_defaults()
    for key, stored in PolicySetting.objects.values_list("key", "value"):
        if key in values:
            values[key] = _like(values[key], stored, key)
    return values


@transaction.atomic
def policy_set(*, key: str, value: Any, updated_by: str = "") -> Any:
    """Override a setting; the change (before → after) goes to the audit trail."""
    from huikuan.core.models import PolicySetting

    typed = _like(_default(key), value, key)
    PolicySetting.objects.update_or_create(
        key=key, defaults={"value": _to_json(typed), "updated_by": updated_by}
    )
    return typed


@transaction.atomic
def policy_reset(*, key: str) -> None:
    """Go back to the default."""
    from huikuan.core.models import PolicySetting

    _default(key)
    for setting in PolicySetting.objects.filter(key=key):
        setting.delete()
