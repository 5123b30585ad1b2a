"""Writes for letters and email: the outbox, letters, and edits to templates and the letterhead.

An email is recorded first and sent after the transaction commits, so a rolled-back run
sends nothing and a committed one never loses a message: a failed attempt stays on the row
with its error and is retried with a growing delay until ``EMAIL_MAX_ATTEMPTS``, then marked
failed (visible in ``huikuan email list --status failed``), never dropped.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value
from huikuan.core.tasks import tasks_enqueue
from huikuan.correspondence.documents import (
    LETTERHEAD_FIELDS,
    document_pdf,
    document_render,
    language_code,
    template_check,
)
from huikuan.correspondence.models import (
    AttemptOutcome,
    DocumentTemplate,
    EmailAttachment,
    EmailAttempt,
    EmailStatus,
    Letter,
    Letterhead,
    OutboundEmail,
    TemplateKind,
)
from huikuan.correspondence.selectors import emails_due_for_retry
from huikuan.correspondence.smtp import before_data, mail_connection
from huikuan.ledger.models import Customer

logger = logging.getLogger(__name__)


def _check_email(
    *, to: list[str], subject: str, idempotency_key: str, attachments: Sequence[tuple[str, bytes, str]]
) -> None:
    if not idempotency_key.strip():
        raise RuleViolation("an email needs an idempotency key")
    if not to:
        raise RuleViolation("an email needs at least one recipient")
    for address in to:
        try:
            validate_email(address)
        except ValidationError:
            raise RuleViolation(f"not an email address: {address!r}") from None
    if not subject.strip():
        raise RuleViolation("an email needs a subject")
    for name, content, mimetype in attachments:
        if not name or not isinstance(content, bytes | bytearray) or "/" not in mimetype:
            raise RuleViolation(f"attachment {name!r}: give (file name, bytes, MIME type)")


@transaction.atomic
def email_send(
    *,
    to: list[str],
    subject: str,
    body: str,
    purpose: str,
    idempotency_key: str,
    customer: Customer | None = None,
    html: str = "",
    attachments: Sequence[tuple[str, bytes, str]] = (),
    now: datetime | None = None,
) -> OutboundEmail:
    """Record an email and send it after commit; the same ``idempotency_key`` again sends nothing."""
    existing = OutboundEmail.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    to = [address.strip() for address in to if address and address.strip()]
    _check_email(to=to, subject=subject, idempotency_key=idempotency_key, attachments=attachments)
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                idempotency_key=idempotency_key,
                to=to,
                subject=subject.strip(),
                body=body,
                html=html,
                purpose=purpose,
                customer=customer,
                status=EmailStatus.QUEUED,
                next_attempt_at=now or timezone.now(),
            )
    except IntegrityError:
        # Another transaction recorded the same key first: that one is the email.
        return OutboundEmail.objects.get(idempotency_key=idempotency_key)
    EmailAttachment.objects.bulk_create(
        EmailAttachment(email=email, filename=name, content=bytes(content), mimetype=mimetype)
        for name, content, mimetype in attachments
    )
    transaction.on_commit(partial(_attempt_after_commit, email.pk))
    return email


def emails_queue(*, purpose: str, entries: Sequence[tuple[str, list[str], int | None]]) -> int:
    """Put emails in the outbox before their text exists: one ``queued`` row per
    (idempotency key, recipients, customer id), without subject or body and not due, so a
    caller's transaction makes every email it will send visible at once. Each is sent once
    :func:`emails_compose` has written it. Keys already in the outbox are left as they are.
    How many entries were given."""
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                idempotency_key=key,
                to=to,
                subject="",
                body="",
                purpose=purpose,
                customer_id=customer_id,
                status=EmailStatus.QUEUED,
                next_attempt_at=None,
            )
            for key, to, customer_id in entries
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return len(entries)


@dataclass(frozen=True)
class EmailContent:
    """An email's text, checked (:func:`email_content`), to be written by :func:`emails_compose`."""

    to: list[str]
    subject: str
    body: str
    html: str
    attachments: tuple[tuple[str, bytes, str], ...]


def email_content(
    *,
    idempotency_key: str,
    to: list[str],
    subject: str,
    body: str,
    html: str = "",
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> EmailContent:
    """The text of the email ``idempotency_key``, refused (RuleViolation) when it cannot be sent."""
    to = [address.strip() for address in to if address and address.strip()]
    _check_email(to=to, subject=subject, idempotency_key=idempotency_key, attachments=attachments)
    return EmailContent(
        to=to,
        subject=subject.strip(),
        body=body,
        html=html,
        attachments=tuple((name, bytes(content), mimetype) for name, content, mimetype in attachments),
    )


@transaction.atomic
def emails_compose(*, entries: Sequence[tuple[int, EmailContent]], now: datetime | None = None) -> list[int]:
    """Write the text of emails queued by :func:`emails_queue` (id, content), in one
    transaction, and make them due; the caller attempts them after its commit
    (:func:`emails_attempt`). An email already written is left as it is (two workers
    composing it: one wins). The ids written."""
    now = now or timezone.now()
    written = [
        email_id
        for email_id, content in entries
        if OutboundEmail.objects.filter(pk=email_id, status=EmailStatus.QUEUED, subject="").update(
            to=content.to, subject=content.subject, body=content.body, html=content.html, next_attempt_at=now
        )
    ]
    contents = dict(entries)
    EmailAttachment.objects.bulk_create(
        EmailAttachment(email_id=email_id, filename=name, content=content, mimetype=mimetype)
        for email_id in written
        for name, content, mimetype in contents[email_id].attachments
    )
    return written


def _attempt_after_commit(email_id: int) -> None:
    email_attempt(email_id=email_id, now=timezone.now())


def _retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: EMAIL_RETRY_MINUTES × 2^(n-1)."""
    return timedelta(minutes=policy_value("EMAIL_RETRY_MINUTES") * 2 ** max(attempts - 1, 0))


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(email.to),
        headers={"Message-ID": message_id(email)},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message


def message_id(email: OutboundEmail) -> str:
    """The same Message-ID for every attempt of one outbox row, so a receiver can tell a
    message it already has (and a test can count deliveries per message)."""
    # The sender's address, also when DEFAULT_FROM_EMAIL carries a display name ("应收账款 <ar@x.cn>").
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(email.idempotency_key.encode()).hexdigest()[:12]
    return f"<huikuan.outbox.{email.pk}.{digest}@{domain}>"


def _sending_lease() -> timedelta:
    return timedelta(seconds=float(settings.EMAIL_SENDING_LEASE_SECONDS))


def _attempts_claim(email_ids: Sequence[int], now: datetime) -> dict[int, int]:
    """Claim each email for one attempt: queued/retrying and due → sending, its attempt
    recorded, all in one transaction committed before anything is sent. {email id: attempt
    number} of those claimed; an email not due or that another worker has is left out."""
    due = list(
        OutboundEmail.objects.filter(
            pk__in=email_ids, status__in=[EmailStatus.QUEUED, EmailStatus.RETRYING], next_attempt_at__lte=now
        ).values_list("pk", "attempts")
    )
    if not due:
        return {}
    claimed: dict[int, int] = {}
    with transaction.atomic():
        for email_id, current in due:
            # Conditional on the attempts read: of two workers claiming it, one wins.
            if OutboundEmail.objects.filter(
                pk=email_id,
                status__in=[EmailStatus.QUEUED, EmailStatus.RETRYING],
                next_attempt_at__lte=now,
                attempts=current,
            ).update(
                status=EmailStatus.SENDING, attempts=current + 1, next_attempt_at=now + _sending_lease()
            ):
                claimed[email_id] = current + 1
        owner = _process_name()
        EmailAttempt.objects.bulk_create(
            EmailAttempt(email_id=email_id, number=number, owner=owner, started_at=now)
            for email_id, number in claimed.items()
        )
    return claimed


def _process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def email_attempt(*, email_id: int, now: datetime) -> bool:
    """One delivery attempt, if the email is due; True when it was sent (see :func:`emails_attempt`)."""
    return emails_attempt(email_ids=[email_id], now=now) == 1


def emails_attempt(*, email_ids: Sequence[int], now: datetime | None = None) -> int:
    """An attempt at each email still due, over one mail connection; how many were sent.
    Also the retry task (``emails_retry_enqueue``).

    Each attempt is claimed first with a conditional UPDATE (queued or retrying → sending)
    that records the attempt and holds the email until ``EMAIL_SENDING_LEASE_SECONDS`` from
    now (renewed while the batch is being sent), so parallel workers never send it twice.
    Just before the SMTP DATA command of each message its attempt's ``data_at`` is written
    and committed; a process killed mid-attempt is reconciled by :func:`emails_reconcile`
    from that record. A failed message closes the connection; the next opens a new one.
    """
    now = now or timezone.now()
    claimed = _attempts_claim(email_ids, now)
    if not claimed:
        return 0
    emails = OutboundEmail.objects.filter(pk__in=claimed).prefetch_related("attachments").order_by("pk")
    renewed_at, sent = time.monotonic(), 0
    remaining = set(claimed)
    connection = None
    try:
        for email in emails:
            if time.monotonic() - renewed_at > _sending_lease().total_seconds() / 3:
                # A long batch (a slow server): keep the claims of those not yet sent.
                OutboundEmail.objects.filter(pk__in=remaining, status=EmailStatus.SENDING).update(
                    next_attempt_at=timezone.now() + _sending_lease()
                )
                renewed_at = time.monotonic()
            remaining.discard(email.pk)
            if connection is None:
                connection = _AttemptConnection()
            if _attempt_send(email, claimed[email.pk], connection, now):
                sent += 1
            else:
                connection.close()
                connection = None
    finally:
        if connection is not None:
            connection.close()
    return sent


class _AttemptConnection:
    """The mail connection of a batch of attempts, opened at its first message; an error
    opening it is the failure of that message's attempt."""

    def __init__(self) -> None:
        self.backend = None

    def send(self, message: EmailMultiAlternatives, data_started: Callable[[], None]) -> None:
        if self.backend is None:
            backend = mail_connection()
            backend.open()
            self.backend = backend
        with before_data(data_started):
            if not getattr(self.backend, "supports_before_data", False):
                data_started()
            self.backend.send_messages([message])

    def close(self) -> None:
        if self.backend is not None:
            try:
                self.backend.close()
            except Exception as error:  # a connection already broken: nothing left to close
                logger.info("closing the mail connection: %s", error)
            self.backend = None


def _attempt_send(email: OutboundEmail, number: int, connection: _AttemptConnection, now: datetime) -> bool:
    """The claimed attempt ``number`` of ``email``: sent (True) or recorded as failed."""
    attempts = EmailAttempt.objects.filter(email_id=email.pk, number=number)

    def data_started() -> None:
        attempts.update(data_at=timezone.now())

    try:
        connection.send(_message(email), data_started)
    except Exception as error:  # every failure (SMTP, refused, network) is recorded, never raised away
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= policy_value("EMAIL_MAX_ATTEMPTS"):
            email.status = EmailStatus.FAILED
            email.next_attempt_at = None
        else:
            email.status = EmailStatus.RETRYING
            email.next_attempt_at = now + _retry_delay(email.attempts)
        with transaction.atomic():
            email.save(update_fields=["status", "last_error", "next_attempt_at"])
            attempts.update(finished_at=timezone.now(), outcome=AttemptOutcome.FAILED, error=email.last_error)
        logger.warning("email %s to %s failed (attempt %s): %s", email.pk, email.to, email.attempts, error)
        return False
    # The attempt row is the trail of the sending (who, when, the outcome): the email's own
    # status follows it by a plain UPDATE, without a second audit entry that would read and
    # diff the whole message again for every email of a day's delivery.
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=EmailStatus.SENT, sent_at=now, next_attempt_at=None
        )
        attempts.update(finished_at=timezone.now(), outcome=AttemptOutcome.SENT)
    return True


INTERRUPTED_AFTER_DATA = (
    "the attempt stopped during the SMTP DATA exchange (its process ended): the message may "
    "have been delivered, so it is not sent again; check with the recipient and send it again "
    "by hand if needed"
)


def emails_reconcile(*, now: datetime | None = None) -> dict[str, int]:
    """Settle the attempts whose process stopped (an email ``sending`` past its lease).

    Stopped before the DATA command: the server never had the message; it is queued again,
    due now. Stopped after it: the server may have it; it is marked failed with why, never
    sent twice. Counts of each.
    """
    now = now or timezone.now()
    counts = {"requeued": 0, "held": 0}
    for email_id in list(
        OutboundEmail.objects.filter(status=EmailStatus.SENDING, next_attempt_at__lt=now).values_list(
            "pk", flat=True
        )
    ):
        with transaction.atomic():
            email = (
                OutboundEmail.objects.select_for_update()
                .filter(pk=email_id, status=EmailStatus.SENDING, next_attempt_at__lt=now)
                .first()
            )
            if email is None:
                continue
            attempt = email.attempt_log.order_by("-number").first()
            reached_data = attempt is None or attempt.data_at is not None
            if reached_data:
                email.status, email.next_attempt_at = EmailStatus.FAILED, None
                email.last_error = INTERRUPTED_AFTER_DATA
                counts["held"] += 1
            else:
                email.status, email.next_attempt_at = EmailStatus.RETRYING, now
                email.last_error = "the attempt stopped before the SMTP DATA command; sent again"
                counts["requeued"] += 1
            email.save(update_fields=["status", "next_attempt_at", "last_error"])
            if attempt is not None:
                EmailAttempt.objects.filter(pk=attempt.pk, finished_at__isnull=True).update(
                    finished_at=now, outcome=AttemptOutcome.INTERRUPTED, error=email.last_error
                )
        logger.warning("email %s: %s", email_id, email.last_error)
    return counts


def emails_retry(*, now: datetime | None = None) -> int:
    """Settle interrupted attempts, then attempt every email that is due (queued or retrying,
    its time come); how many were sent."""
    now = now or timezone.now()
    emails_reconcile(now=now)
    sent = 0
    ids = list(emails_due_for_retry(now=now).values_list("pk", flat=True))
    for at in range(0, len(ids), RETRY_CHUNK):
        sent += emails_attempt(email_ids=ids[at : at + RETRY_CHUNK], now=now)
    return sent


RETRY_CHUNK = 50


def emails_retry_enqueue(*, now: datetime | None = None) -> int:
    """Settle interrupted attempts, then enqueue the emails due (queued or retrying, their
    time come) in chunks, one task each (``huikuan.core.tasks``), spread over the workers.
    Each attempt claims its email, so two retry passes never send one twice. Tasks made."""
    now = now or timezone.now()
    emails_reconcile(now=now)
    ids = list(emails_due_for_retry(now=now).values_list("pk", flat=True))
    return len(
        tasks_enqueue(
            func="huikuan.correspondence.services.emails_attempt",
            kwargs_list=[{"email_ids": ids[at : at + RETRY_CHUNK]} for at in range(0, len(ids), RETRY_CHUNK)],
        )
    )


def letter_create(
    *,
    customer: Customer,
    template_code: str,
    context: dict,
    reference: str,
    language: str | None = None,
) -> Letter:
    """Render a letter to PDF and keep it; the same ``reference`` again returns the kept letter.
    The PDF is drawn outside any transaction of this function (on SQLite a transaction holds
    the database's write lock, and parallel workers would wait for the drawing)."""
    existing = Letter.objects.filter(reference=reference).first()
    if existing is not None:
        return existing
    if not reference.strip():
        raise RuleViolation("a letter needs a reference")
    document = document_render(
        template_code=template_code,
        language=language_code(language or customer.language),
        context={"customer": customer, **context},
    )
    if document.kind != TemplateKind.LETTER:
        raise RuleViolation(f"{template_code!r} is an email template, not a letter")
    pdf = document_pdf(document=document)
    try:
        with transaction.atomic():
            return Letter.objects.create(
                reference=reference,
                customer=customer,
                template_code=document.code,
                language=document.language,
                subject=document.subject[:500],
                pdf=pdf,
                sha256=hashlib.sha256(pdf).hexdigest(),
            )
    except IntegrityError:
        return Letter.objects.get(reference=reference)


@transaction.atomic
def document_template_update(
    *, template: DocumentTemplate, subject: str, body: str, updated_by: str, name: str | None = None
) -> DocumentTemplate:
    """Change a template's texts; refused if they do not compile. The change is audited."""
    if not subject.strip() or not body.strip():
        raise RuleViolation("a template needs a subject and a body")
    template_check(subject=subject, body=body, kind=template.kind)
    template.subject = subject.strip()
    template.body = body.replace("\r\n", "\n")
    if name is not None and name.strip():
        template.name = name.strip()
    template.updated_by = updated_by
    template.save(update_fields=["subject", "body", "name", "updated_by", "updated_at"])
    return template


def letterhead_get() -> Letterhead:
    letterhead, _ = Letterhead.objects.get_or_create(pk=1)
    return letterhead


@transaction.atomic
def letterhead_update(*, updated_by: str, **fields: str) -> Letterhead:
    """Change the letterhead's details (any of ``LETTERHEAD_FIELDS``). The change is audited."""
    unknown = set(fields) - set(LETTERHEAD_FIELDS)
    if unknown:
        raise RuleViolation(f"no letterhead field(s) {', '.join(sorted(unknown))}")
    if fields.get("email"):
        try:
            validate_email(fields["email"])
        except ValidationError:
            raise RuleViolation(f"not an email address: {fields['email']!r}") from None
    letterhead = Letterhead.objects.select_for_update().filter(pk=1).first() or Letterhead(pk=1)
    for field, value in fields.items():
        setattr(letterhead, field, (value or "").strip())
    letterhead.updated_by = updated_by
    letterhead.save()
    return letterhead
