"""A small ledger for letters, and a real SMTP server on loopback that keeps what it receives.

湖畔机电 (zh-Hans) owes two invoices, one partly paid before 2024-06-30; Lion City Trading
(English) owes one. The SMTP server is aiosmtpd, started by the test on a free port.
"""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import date
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller

from huikuan.ledger.models import Payment
from huikuan.ledger.services import customer_create, invoice_issue, payment_allocate
from tests.web.conftest import ledger, personas, web_as  # noqa: F401 - the web personas

AS_OF = date(2024, 6, 30)


class Mailbox:
    """An SMTP handler that keeps every message and refuses the addresses in ``refuse``."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.mailbox.messages


@pytest.fixture
def smtp_server(settings):
    """A stopped SMTP server on a free loopback port, with Django's SMTP backend pointed at it."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "ar@huikuan.example"
    yield server
    server.stop()


@pytest.fixture
def running_smtp(smtp_server):
    smtp_server.start()
    return smtp_server


@pytest.fixture
def customers(db):
    hupan = customer_create(
        code="HZ001",
        name="杭州湖畔机电有限公司",
        email="finance@hupan.example",
        address="杭州市西湖区文三路100号",
        collector="collector_wang",
    )
    lion = customer_create(
        code="SG005", name="Lion City Trading Pte Ltd", email="ap@lioncity.example", language="en"
    )
    first = invoice_issue(
        number="YS-0301",
        customer=hupan,
        invoice_date=date(2024, 3, 1),
        due_date=date(2024, 5, 5),
        amount=Decimal("100000.00"),
    )
    invoice_issue(
        number="YS-0402",
        customer=hupan,
        invoice_date=date(2024, 4, 2),
        due_date=date(2024, 6, 20),
        amount=Decimal("23456.78"),
    )
    # Paid after the as-of date: the statement as of 2024-06-30 still shows it open.
    invoice_issue(
        number="YS-0410",
        customer=hupan,
        invoice_date=date(2024, 4, 10),
        due_date=date(2024, 8, 10),
        amount=Decimal("5000.00"),
    )
    payment = Payment.objects.create(
        reference="HK-001",
        customer=hupan,
        payment_date=date(2024, 4, 20),
        amount=Decimal("40000.00"),
        currency="CNY",
    )
    payment_allocate(
        payment=payment, invoice=first, amount=Decimal("40000.00"), allocation_date=date(2024, 4, 20)
    )
    invoice_issue(
        number="INV-SG-7",
        customer=lion,
        invoice_date=date(2024, 3, 5),
        due_date=date(2024, 4, 9),
        amount=Decimal("10000.00"),
        currency="CNY",
    )
    return {"hupan": hupan, "lion": lion}


def dunning_context(customer, as_of: date = AS_OF) -> dict:
    """The context the collections run gives: the customer's overdue invoices at this step."""
    from huikuan.correspondence.selectors import customer_open_items, open_items_total

    invoices = [
        item for item in customer_open_items(customer=customer, as_of=as_of) if item["days_overdue"] > 0
    ]
    total, currency = open_items_total(invoices)
    return {
        "customer": customer,
        "invoices": invoices,
        "total_open": total,
        "currency": currency,
        "as_of": as_of,
        "step": "letter",
    }
