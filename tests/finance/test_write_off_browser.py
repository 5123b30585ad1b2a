"""A write-off from proposal to ledger in a real browser (Debian's Chromium, Playwright, live
server): a collector proposes writing off C-1 with a court ruling as a PDF, the credit manager
approves in the inbox, then the CFO; the invoice shows written off and the customer's page
counts it among the bad debts (坏账)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from huikuan.accounts.services import user_create
from huikuan.approvals.services import approval_chains_install
from huikuan.core.policy import policy_set
from huikuan.finance.models import ProposalStatus, WriteOffProposal
from huikuan.ledger.models import Customer, Invoice
from tests.browser import chromium, pytestmark, shot, signed_in_tabs  # noqa: F401 - the shared browser fixture and marks

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def page_as(chromium, live_server, seed002_ledger, settings, tmp_path):  # noqa: F811 - the fixture imported above
    settings.MEDIA_ROOT = tmp_path / "media"
    approval_chains_install()  # a live server's test empties the tables, the seeded chains too
    Customer.objects.filter(code="C").update(collector="collector_wang")  # his customer
    for username, role in {
        "collector_wang": "collector",
        "cm_sun": "credit_manager",
        "cfo_wu": "cfo",
    }.items():
        user_create(username=username, role=role, password="Huikuan-test-pw-1")
    with signed_in_tabs(chromium, live_server.url) as log_in:
        yield log_in


def _approve_in_the_inbox(page, live_server, number: str) -> None:
    page.goto(f"{live_server.url}/approvals/")
    with page.expect_navigation():
        page.click(f"a:text-is('{number}')")
    with page.expect_navigation():
        page.click("#decide button[value=approve]")


def test_a_write_off_goes_from_proposal_to_ledger_through_two_approvers(page_as, live_server, tmp_path):
    policy_set(key="WRITE_OFF_CFO_THRESHOLD", value="10000")  # C-1 is 20,000.00: the CFO decides too
    ruling = tmp_path / "court-ruling.pdf"
    ruling.write_bytes(PDF)

    collector = page_as("collector_wang")
    collector.goto(f"{live_server.url}/customers/C/")
    collector.select_option("#id_invoice", "C-1")
    collector.fill("#id_reason", "破产清算，法院裁定终结")
    collector.set_input_files("#id_evidence", str(ruling))
    with collector.expect_navigation():
        collector.click("#write-off-form button[type=submit]")
    proposal = WriteOffProposal.objects.get()
    assert collector.url.endswith(f"/write-offs/{proposal.number}/")
    assert collector.locator("#evidence").inner_text().startswith("court-ruling.pdf")
    assert collector.locator("#steps tbody tr").count() == 2
    shot(collector, "write-off-proposal-zh")

    _approve_in_the_inbox(page_as("cm_sun"), live_server, proposal.approval_number)
    assert Invoice.objects.get(number="C-1").open_amount == Decimal("20000.00")  # not yet: the CFO is next
    cfo = page_as("cfo_wu")
    _approve_in_the_inbox(cfo, live_server, proposal.approval_number)

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.POSTED
    cfo.goto(f"{live_server.url}/invoices/C-1/")
    assert cfo.locator("#invoice-status").inner_text() == "已核销（坏账）"
    assert cfo.locator("#written-off").inner_text() == "20,000.00"
    cfo.goto(f"{live_server.url}/customers/C/")
    assert cfo.locator("#bad-debt #written-off").inner_text() == "20,000.00"
    shot(cfo, "write-off-customer-bad-debt-zh")
