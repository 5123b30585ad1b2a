"""Email backends of Huikuan's own, and the deployment check that a real one is configured.

    OutboxBackend          the demo's: nothing leaves the machine; the outbox keeps every email
    NotConfiguredBackend   production without EMAIL_HOST: every attempt fails, none is "sent"
    email_backend_check    ``huikuan check --deploy`` (and ``huikuan serve`` with DEBUG off)

Which backend (settings): ``EMAIL_BACKEND`` if set; else SMTP when ``EMAIL_HOST`` is set
(unless ``HUIKUAN_EMAIL_BACKEND=outbox``); else the outbox backend when
``HUIKUAN_EMAIL_BACKEND=outbox`` (``./scripts/quickstart`` sets it) or ``HUIKUAN_DEBUG`` is on;
else, in production, :class:`NotConfiguredBackend`.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend

OUTBOX = "huikuan.correspondence.backends.OutboxBackend"
NOT_CONFIGURED = "huikuan.correspondence.backends.NotConfiguredBackend"
# Backends that deliver nothing to anyone: refused in production (unless the demo's outbox).
NOT_DELIVERING = {
    NOT_CONFIGURED,
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
NO_EMAIL_HOST = (
    "no email server is configured (EMAIL_HOST is not set): set EMAIL_HOST (and EMAIL_PORT, "
    "EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS), or HUIKUAN_EMAIL_BACKEND=outbox to "
    "keep every email in the outbox without sending it"
)


class OutboxBackend(BaseEmailBackend):
    """Sends nothing: the email is already in the outbox (text, attachments), where the web
    app's outbox page shows it, and is marked sent there. Nothing is printed either."""

    def send_messages(self, email_messages) -> int:
        return len(list(email_messages))


class NotConfiguredBackend(BaseEmailBackend):
    """Production with no email server: each attempt fails with why (the email is retried,
    then marked failed, never marked sent)."""

    def send_messages(self, email_messages) -> int:
        raise ImproperlyConfigured(NO_EMAIL_HOST)


@checks.register(checks.Tags.security, "email", deploy=True)
def email_backend_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Production (DEBUG off) needs an email backend that delivers, or the demo's outbox."""
    if settings.DEBUG or settings.EMAIL_BACKEND not in NOT_DELIVERING:
        return []
    return [
        checks.Error(
            f"Emails would not be delivered: {NO_EMAIL_HOST}.",
            hint=f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}",
            id="huikuan.E001",
        )
    ]
