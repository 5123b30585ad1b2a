"""Write-off proposals: filed for approval, posted to the ledger only on the last approval,
the CFO asked only from the threshold, evidence checked, recoveries recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from huikuan.accounts.services import user_create
from huikuan.approvals.models import ApprovalRequest, Status
from huikuan.approvals.services import approval_decide
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_set
from huikuan.finance.models import ProposalStatus
from huikuan.finance.write_offs import (
    EvidenceFile,
    write_off_post,
    write_off_propose,
    write_off_recovery_record,
)
from huikuan.ledger.models import Customer, Invoice, WriteOff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def in_english(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def people(db):
    roles = {
        "collector_wang": "collector",
        "cm_sun": "credit_manager",
        "cm_zhou": "credit_manager",
        "cfo_wu": "cfo",
    }
    return {
        name: user_create(username=name, role=role, password="Huikuan-test-pw-1").user
        for name, role in roles.items()
    }


def approval(proposal) -> ApprovalRequest:
    return ApprovalRequest.objects.get(number=proposal.approval_number)


def decide(proposal, who, decision="approve", comment=""):
    return approval_decide(request=approval(proposal), actor=who, decision=decision, comment=comment)


def test_an_invoice_goes_from_proposal_to_the_ledger_through_two_approvers(seed002_ledger, people):
    invoice = Invoice.objects.get(number="A-1")  # 100,000.00: the CFO's threshold
    proposal = write_off_propose(
        requested_by=people["collector_wang"],
        invoice=invoice,
        reason="bankruptcy of the customer",
        evidence=[EvidenceFile("ruling.pdf", PDF)],
    )
    assert proposal.amount == Decimal("100000.00")
    assert [step.name for step in approval(proposal).steps.all()] == ["credit manager", "CFO"]
    assert proposal.evidence.get().file.read() == PDF

    decide(proposal, people["cm_sun"])
    assert not WriteOff.objects.exists()  # nothing posted before the last approval
    decide(proposal, people["cfo_wu"])

    proposal.refresh_from_db()
    invoice.refresh_from_db()
    assert proposal.status == ProposalStatus.POSTED
    assert invoice.open_amount == 0
    write_off = proposal.write_offs.get()
    assert write_off.amount == Decimal("100000.00") and write_off.approved_by == "cfo_wu"
    assert proposal.number in write_off.reason


def test_below_the_threshold_the_credit_manager_alone_decides(seed002_ledger, people):
    customer = Customer.objects.get(code="B")  # B-1 40,000 + B-2 20,000
    proposal = write_off_propose(
        requested_by=people["collector_wang"], customer=customer, reason="court ruling"
    )
    assert proposal.amount == Decimal("60000.00")
    assert [step.name for step in approval(proposal).steps.all()] == ["credit manager"]
    decide(proposal, people["cm_sun"])
    assert sorted(WriteOff.objects.values_list("invoice__number", "amount")) == [
        ("B-1", Decimal("40000.00")),
        ("B-2", Decimal("20000.00")),
    ]
    assert all(inv.open_amount == 0 for inv in customer.invoices.all())


def test_the_threshold_is_a_setting(seed002_ledger, people):
    policy_set(key="WRITE_OFF_CFO_THRESHOLD", value="50000")
    proposal = write_off_propose(
        requested_by=people["collector_wang"], customer=Customer.objects.get(code="B"), reason="closed down"
    )
    assert [step.name for step in approval(proposal).steps.all()] == ["credit manager", "CFO"]


def test_a_rejection_posts_nothing(seed002_ledger, people):
    proposal = write_off_propose(
        requested_by=people["collector_wang"], invoice=Invoice.objects.get(number="C-1"), reason="gone"
    )
    decide(proposal, people["cm_sun"], "reject", "collect it first")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert not WriteOff.objects.exists()
    assert Invoice.objects.get(number="C-1").open_amount == Decimal("20000.00")


def test_posting_twice_posts_once(seed002_ledger, people):
    proposal = write_off_propose(
        requested_by=people["collector_wang"], invoice=Invoice.objects.get(number="C-1"), reason="gone"
    )
    decide(proposal, people["cm_sun"])
    assert write_off_post(proposal=proposal, approved_by="again") == []
    assert WriteOff.objects.count() == 1


def test_what_was_paid_meanwhile_is_not_written_off(seed002_ledger, people):
    from huikuan.ledger.services import invoice_write_off

    invoice = Invoice.objects.get(number="C-1")
    proposal = write_off_propose(requested_by=people["collector_wang"], invoice=invoice, reason="gone")
    invoice_write_off(invoice=invoice, amount=Decimal("5000"), writeoff_date=invoice.invoice_date, reason="x")
    decide(proposal, people["cm_sun"])
    assert proposal.write_offs.get().amount == Decimal("15000.00")


def test_an_invoice_proposed_twice_is_refused_while_pending(seed002_ledger, people):
    invoice = Invoice.objects.get(number="D-1")
    first = write_off_propose(requested_by=people["collector_wang"], invoice=invoice, reason="gone")
    with pytest.raises(RuleViolation, match=first.number):
        write_off_propose(requested_by=people["collector_wang"], customer=invoice.customer, reason="all")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("ruling.exe", b"MZ\x90\x00", "PDF, JPEG or PNG"),
        ("ruling.png", PDF, "does not end in .pdf"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_evidence_is_checked_and_nothing_is_filed(seed002_ledger, people, name, content, reason):
    with pytest.raises(RuleViolation, match=reason):
        write_off_propose(
            requested_by=people["collector_wang"],
            invoice=Invoice.objects.get(number="C-1"),
            reason="gone",
            evidence=[EvidenceFile(name, content)],
        )
    assert not ApprovalRequest.objects.filter(kind="write_off").exists()


def test_evidence_over_the_size_limit_is_refused(seed002_ledger, people):
    policy_set(key="WRITE_OFF_EVIDENCE_MAX_BYTES", value=100)
    with pytest.raises(RuleViolation, match="more than the limit of 100 bytes"):
        write_off_propose(
            requested_by=people["collector_wang"],
            invoice=Invoice.objects.get(number="C-1"),
            reason="gone",
            evidence=[EvidenceFile("big.pdf", PDF + b"0" * 200)],
        )


def test_a_recovery_never_reopens_and_never_exceeds_the_write_off(seed002_ledger, people):
    proposal = write_off_propose(
        requested_by=people["collector_wang"], invoice=Invoice.objects.get(number="C-1"), reason="gone"
    )
    decide(proposal, people["cm_sun"])
    write_off = proposal.write_offs.get()
    write_off_recovery_record(write_off=write_off, amount=Decimal("3000"))
    assert Invoice.objects.get(number="C-1").open_amount == 0
    with pytest.raises(RuleViolation, match="more than the 20000"):
        write_off_recovery_record(write_off=write_off, amount=Decimal("17000.01"))


def test_a_reconsidered_rejection_posts_when_approved(seed002_ledger, people):
    proposal = write_off_propose(
        requested_by=people["collector_wang"], invoice=Invoice.objects.get(number="C-1"), reason="gone"
    )
    decide(proposal, people["cm_sun"], "reject", "where is the ruling?")
    decide(proposal, people["collector_wang"], "reconsider", "ruling attached now")
    request = decide(proposal, people["cm_sun"])
    assert request.status == Status.APPROVED
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.POSTED and proposal.write_offs.count() == 1


def test_the_cli_proposes_with_evidence_and_lists(seed002_ledger, people, huikuan, tmp_path):
    ruling = tmp_path / "ruling.pdf"
    ruling.write_bytes(PDF)
    result = huikuan(
        "writeoff", "propose", "--invoice", "C-1", "--reason", "bankrupt", "--user", "collector_wang",
        "--evidence", str(ruling), "--json",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    proposed = result.json()
    assert proposed["amount"] == "20000.00" and proposed["evidence"][0]["name"] == "ruling.pdf"
    listed = huikuan("writeoff", "list", "--json").json()
    assert [row["number"] for row in listed] == [proposed["number"]]
    refused = huikuan(
        "writeoff", "propose", "--invoice", "C-1", "--reason", "again", "--user", "collector_wang"
    )
    assert refused.code == 1 and proposed["number"] in refused.stderr


def test_the_cli_refuses_a_user_who_may_not_propose(seed002_ledger, huikuan):
    user_create(username="sales_zhang", role="salesperson", password="Huikuan-test-pw-1")
    result = huikuan("writeoff", "propose", "--invoice", "C-1", "--reason", "x", "--user", "sales_zhang")
    assert result.code == 1 and "may not propose" in result.stderr


def _api(username):
    from rest_framework.test import APIClient

    from huikuan.accounts.services import user_token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(username=username)}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_the_api_proposes_with_multipart_evidence_lists_and_reads(seed002_ledger, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    Customer.objects.filter(code="C").update(collector="collector_wang")
    client = _api("collector_wang")
    response = client.post(
        "/api/write-offs/",
        {
            "invoice": "C-1",
            "reason": "bankrupt",
            "evidence": [SimpleUploadedFile("notice.png", b"\x89PNG\r\n\x1a\n0")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert response.json()["evidence"][0]["content_type"] == "image/png"
    assert [row["number"] for row in client.get("/api/write-offs/").json()] == [number]
    assert client.get(f"/api/write-offs/{number}/").json()["approval"].startswith("AP-")
    # Another collector's customer: as if it did not exist.
    assert (
        client.post("/api/write-offs/", {"customer": "D", "reason": "x"}, format="multipart").status_code
        == 404
    )
    refused = client.post(
        "/api/write-offs/",
        {"customer": "C", "reason": "x", "evidence": [SimpleUploadedFile("a.pdf", b"not a pdf")]},
        format="multipart",
    )
    assert refused.status_code == 409 and "PDF, JPEG or PNG" in refused.content.decode()


def test_the_web_pages_show_the_bad_debt_and_the_proposal(seed002_ledger, people, client):
    proposal = write_off_propose(
        requested_by=people["collector_wang"],
        invoice=Invoice.objects.get(number="C-1"),
        reason="gone",
        evidence=[EvidenceFile("ruling.pdf", PDF)],
    )
    decide(proposal, people["cm_sun"])
    client.force_login(people["cm_zhou"])
    customer_page = client.get("/customers/C/").content.decode()
    assert "20,000.00" in customer_page and proposal.number in customer_page
    evidence = proposal.evidence.get()
    download = client.get(f"/write-offs/{proposal.number}/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    approval_page = client.get(f"/approvals/{proposal.approval_number}/").content.decode()
    assert f'href="/write-offs/{proposal.number}/"' in approval_page  # the approver reaches the evidence


def test_the_aging_notes_the_bad_debt_written_off_in_the_year(seed002_ledger, people, client):
    from huikuan.ledger.services import invoice_write_off

    invoice = Invoice.objects.get(number="C-1")
    invoice_write_off(invoice=invoice, amount=Decimal("20000"), writeoff_date=date(2024, 6, 1), reason="gone")
    client.force_login(people["cm_sun"])
    note = client.get("/aging/?as_of=2024-06-30&by=customer&basis=due").content.decode()
    assert 'id="bad-debt-note"' in note and "20,000.00" in note
    later = client.get("/aging/?as_of=2025-06-30&by=customer&basis=due").content.decode()
    assert 'id="bad-debt-note"' not in later  # more than a year before


def test_the_api_records_a_recovery_never_beyond_the_write_off(seed002_ledger, people):
    proposal = write_off_propose(
        requested_by=people["collector_wang"], invoice=Invoice.objects.get(number="C-1"), reason="gone"
    )
    decide(proposal, people["cm_sun"])
    client = _api("cfo_wu")
    recorded = client.post(
        "/api/write-offs/recoveries/", {"invoice": "C-1", "amount": "3000.00"}, format="json"
    )
    assert recorded.status_code == 201 and recorded.json()["amount"] == "3000.00"
    too_much = client.post(
        "/api/write-offs/recoveries/", {"invoice": "C-1", "amount": "17000.01"}, format="json"
    )
    assert too_much.status_code == 409
    assert Invoice.objects.get(number="C-1").open_amount == 0
