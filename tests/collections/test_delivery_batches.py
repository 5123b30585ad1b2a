"""Delivery in batches (issue 11, the delivery throughput): a chunk reads its rows in a few
queries, sends its emails over one mail connection, and keeps every guarantee of one email
at a time — claimed and its attempt recorded before its DATA, a refusal failing only its
own email, and a batch stopped halfway losing nothing."""

from __future__ import annotations

import time
from datetime import timedelta

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huikuan.collections.delivery import deliveries_send
from huikuan.collections.models import DunningAction
from huikuan.collections.run import dunning_run
from huikuan.correspondence.models import EmailAttempt, EmailStatus, OutboundEmail
from tests.collections.conftest import MARCH_1

BACKEND = "tests.collections.test_delivery_batches.CountingBackend"


class CountingBackend(LocmemBackend):
    """Django's in-memory backend counting the connections opened; a recipient named in
    ``refuse`` is refused; ``during_send`` is called with each message before it is kept."""

    opened = 0
    refuse: set[str] = set()
    during_send = None

    def open(self) -> bool:
        CountingBackend.opened += 1
        return True

    def send_messages(self, messages) -> int:
        messages = list(messages)
        for message in messages:
            if CountingBackend.during_send is not None:
                CountingBackend.during_send(message)
            if set(message.to) & CountingBackend.refuse:
                raise OSError(f"recipient refused: {message.to}")
        return super().send_messages(messages)


def _run_without_delivery(make_customer, make_invoice, customers: int, monkeypatch) -> list[int]:
    """A run whose email actions wait, open, with their emails queued in the outbox."""
    monkeypatch.setattr("huikuan.collections.run.after_run", lambda **_: None)
    for n in range(customers):
        customer = make_customer(f"B{n:02d}")
        make_invoice(customer, f"B{n:02d}-A", MARCH_1 - timedelta(days=3), "1200.00")
        make_invoice(customer, f"B{n:02d}-B", MARCH_1 - timedelta(days=4), "300.00")
    dunning_run(date=MARCH_1)
    return list(
        DunningAction.objects.filter(channel="email", status="open")
        .order_by("id")
        .values_list("id", flat=True)
    )


def _reset(monkeypatch) -> None:
    monkeypatch.setattr(CountingBackend, "opened", 0)
    monkeypatch.setattr(CountingBackend, "refuse", set())
    monkeypatch.setattr(CountingBackend, "during_send", None)


def test_a_chunk_sends_its_emails_over_one_connection(make_customer, make_invoice, settings, monkeypatch):
    settings.EMAIL_BACKEND, settings.DELIVERY_CHUNK = BACKEND, 50
    _reset(monkeypatch)
    ids = _run_without_delivery(make_customer, make_invoice, 6, monkeypatch)
    assert len(ids) == 6
    assert deliveries_send(actions=DunningAction.objects.filter(pk__in=ids)) == {"sent": 6, "failed": 0}
    assert CountingBackend.opened == 1
    assert len(mail.outbox) == 6
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
    # Each email's one attempt: claimed, reached its DATA, sent.
    attempts = EmailAttempt.objects.all()
    assert len(attempts) == 6
    assert all(a.number == 1 and a.data_at and a.outcome == "sent" for a in attempts)


def test_the_queries_of_a_chunk_grow_by_a_few_per_email_not_by_its_rows(
    make_customer, make_invoice, settings, monkeypatch
):
    settings.EMAIL_BACKEND, settings.DELIVERY_CHUNK = BACKEND, 50
    _reset(monkeypatch)
    ids = _run_without_delivery(make_customer, make_invoice, 12, monkeypatch)
    with CaptureQueriesContext(connection) as small:
        deliveries_send(actions=DunningAction.objects.filter(pk__in=ids[:4]))
    with CaptureQueriesContext(connection) as large:
        deliveries_send(actions=DunningAction.objects.filter(pk__in=ids[4:]))
    per_email = (len(large) - len(small)) / 4
    # Inherent per email: its text written, its claim, its DATA mark, its sent mark (with the
    # audit trail's entry) and its action done. Templates, invoices, disputes, letterhead and
    # outbox rows are read once per chunk.
    assert per_email <= 12, [q["sql"][:100] for q in large.captured_queries]


def test_a_refused_email_fails_alone_and_the_rest_of_the_chunk_is_sent(
    make_customer, make_invoice, settings, monkeypatch
):
    settings.EMAIL_BACKEND, settings.DELIVERY_CHUNK = BACKEND, 50
    _reset(monkeypatch)
    ids = _run_without_delivery(make_customer, make_invoice, 4, monkeypatch)
    monkeypatch.setattr(CountingBackend, "refuse", {"b01@example.cn"})
    deliveries_send(actions=DunningAction.objects.filter(pk__in=ids))
    statuses = dict(OutboundEmail.objects.values_list("customer__code", "status"))
    assert statuses == {"B00": "sent", "B01": "retrying", "B02": "sent", "B03": "sent"}
    assert "recipient refused" in OutboundEmail.objects.get(customer__code="B01").last_error
    assert CountingBackend.opened == 2  # the connection of the refusal closed, a new one opened


def test_a_batch_stopped_halfway_loses_nothing_and_sends_nothing_twice(
    make_customer, make_invoice, settings, monkeypatch
):
    """Every email of the chunk is claimed (its attempt recorded) before the first is sent;
    a process killed after the second email's DATA leaves: the first sent, the second held
    (it may have been delivered), the rest sent again by the next pass."""
    settings.EMAIL_BACKEND, settings.DELIVERY_CHUNK = BACKEND, 50
    settings.EMAIL_SENDING_LEASE_SECONDS = 0.3
    _reset(monkeypatch)
    ids = _run_without_delivery(make_customer, make_invoice, 5, monkeypatch)
    seen: list[dict] = []

    class Killed(BaseException):
        """Stands for kill -9: nothing of the process runs after it."""

    def during_send(message) -> None:
        seen.append(dict(OutboundEmail.objects.values_list("customer__code", "status")))
        if len(seen) == 2:
            raise Killed

    monkeypatch.setattr(CountingBackend, "during_send", during_send)
    try:
        deliveries_send(actions=DunningAction.objects.filter(pk__in=ids))
    except Killed:
        pass
    # While the first was being sent, all five were claimed, each with its attempt.
    assert set(seen[0].values()) == {"sending"}
    assert EmailAttempt.objects.count() == 5
    assert DunningAction.objects.filter(pk__in=ids, status="open").count() == 5
    monkeypatch.setattr(CountingBackend, "during_send", None)
    time.sleep(0.4)  # the batch's claims lapse
    # The next pass (the resumed job): the one sent stays sent, the one that reached its DATA
    # is held for a person, the three claimed but never sent are sent now, each once.
    assert deliveries_send(actions=DunningAction.objects.filter(pk__in=ids)) == {"sent": 5, "failed": 0}
    statuses = dict(OutboundEmail.objects.values_list("customer__code", "status"))
    assert statuses == {"B00": "sent", "B01": "failed", "B02": "sent", "B03": "sent", "B04": "sent"}
    assert "DATA" in OutboundEmail.objects.get(customer__code="B01").last_error
    assert sorted(m.to[0] for m in mail.outbox) == [
        "b00@example.cn",
        "b02@example.cn",
        "b03@example.cn",
        "b04@example.cn",
    ]
    assert DunningAction.objects.filter(pk__in=ids, status="open").count() == 0
