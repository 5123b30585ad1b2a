"""Django's SMTP backend with a hook just before the DATA command.

    mail_connection() -> BaseEmailBackend
    before_data(callback) -> context manager

The outbox records an attempt's ``data_at`` in the hook: an attempt that stopped before it
never handed its message to the server (send it again), one that stopped after it may have
(do not). When the project's backend is Django's SMTP backend, :func:`mail_connection` gives
this subclass with the same settings; any other backend (console, in-memory, a service's
API) has no DATA phase, and the hook is called just before its ``send``.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as DjangoSmtpBackend

_hook: ContextVar[Callable[[], None] | None] = ContextVar("huikuan_before_data", default=None)


def _call_hook() -> None:
    hook = _hook.get()
    if hook is not None:
        hook()


class _SMTP(smtplib.SMTP):
    def data(self, msg):
        _call_hook()
        return super().data(msg)


class _SMTP_SSL(smtplib.SMTP_SSL):
    def data(self, msg):
        _call_hook()
        return super().data(msg)


class EmailBackend(DjangoSmtpBackend):
    """Django's SMTP backend; the DATA command calls the :func:`before_data` hook first."""

    supports_before_data = True

    @property
    def connection_class(self):
        return _SMTP_SSL if self.use_ssl else _SMTP


def mail_connection() -> BaseEmailBackend:
    """The connection an attempt sends through. The console backend with DEBUG off is
    refused (the attempt fails): printing an email is not delivering it."""
    if not settings.DEBUG and settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
        raise ImproperlyConfigured(
            "the console email backend delivers nothing; configure EMAIL_HOST for production"
        )
    if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        return EmailBackend(fail_silently=False)
    return get_connection(fail_silently=False)


@contextmanager
def before_data(callback: Callable[[], None]) -> Iterator[None]:
    """Call ``callback`` before the DATA command of the messages sent in the block."""
    token = _hook.set(callback)
    try:
        yield
    finally:
        _hook.reset(token)
