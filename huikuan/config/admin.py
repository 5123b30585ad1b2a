"""The Django admin with its modules loaded when they are needed, not at start-up.

``django.contrib.admin``'s own app config imports every app's ``admin.py`` in ``ready()``,
and with them the letter renderer and the ladder: every ``huikuan`` command would pay for
them. Here they are imported by the URLconf (``huikuan.config.urls``) and by the admin's
system checks, the two places that use the registrations.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import SimpleAdminConfig
from django.contrib.admin.checks import check_admin_app, check_dependencies
from django.core import checks


def _check_admin_app(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    admin.autodiscover()
    return check_admin_app(app_configs, **kwargs)


class AdminConfig(SimpleAdminConfig):
    """``django.contrib.admin`` without the autodiscovery at start-up."""

    def ready(self) -> None:
        checks.register(check_dependencies, checks.Tags.admin)
        checks.register(_check_admin_app, checks.Tags.admin)
