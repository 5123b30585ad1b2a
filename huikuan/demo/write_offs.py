"""The demo's write-offs (核销): one posted after the credit manager's approval, one large enough
to wait for the CFO, each with its evidence, so that the write-off pages, the approvals inbox
and the bad-debt figures are populated."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

from django.contrib.auth import get_user_model
from django.db.models import F

from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.services import approval_decide
from huikuan.core.policy import policy_value
from huikuan.finance.write_offs import EvidenceFile, write_off_propose
from huikuan.ledger.models import Customer, CustomerStatus, Invoice

REASON_SMALL = "客户已注销，经法院终结本次执行裁定，无可供执行财产，申请核销"
REASON_LARGE = "客户破产清算终结，债权申报分配后剩余部分无法收回，申请核销"


def _evidence(title: str) -> EvidenceFile:
    """A one-page PDF standing for the court's document."""
    from reportlab.pdfgen import canvas

    from huikuan.correspondence.pdf import font_name

    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(font_name(), 16)
    page.drawString(72, 760, title)
    page.setFont(font_name(), 11)
    page.drawString(72, 730, "（演示文件）")
    page.save()
    return EvidenceFile(name=f"{title}.pdf", content=buffer.getvalue())


def write_offs_demo(*, as_of: date) -> dict[str, int]:
    """Propose two write-offs of the old invoices of customers in litigation: a small one the
    second credit manager approves (posted), and the whole balance of the customer in litigation
    that owes the most, which waits for the CFO when it reaches the CFO threshold."""
    users = get_user_model().objects
    manager, second = users.get(username="demo.manager"), users.get(username="demo.manager2")
    threshold = Decimal(policy_value("WRITE_OFF_CFO_THRESHOLD"))
    old = (
        Invoice.objects.filter(
            amount__gt=F("applied_amount"),
            customer__status=CustomerStatus.LEGAL,
            due_date__lt=as_of - timedelta(days=180),
        )
        .select_related("customer")
        .order_by("due_date", "number")
    )
    small = next((i for i in old if i.amount - i.applied_amount < threshold), None)
    balances: dict[int, Decimal] = {}
    for invoice in Invoice.objects.filter(
        amount__gt=F("applied_amount"), customer__status=CustomerStatus.LEGAL
    ).select_related("customer"):
        balances[invoice.customer_id] = balances.get(invoice.customer_id, Decimal(0)) + invoice.open_amount
    others = [pk for pk in balances if small is None or pk != small.customer_id]
    largest = max(others, key=lambda pk: (balances[pk], -pk), default=None)
    made = 0
    if small is not None:
        proposal = write_off_propose(
            requested_by=manager,
            reason=REASON_SMALL,
            invoice=small,
            evidence=[_evidence("终结本次执行程序民事裁定书")],
        )
        request = ApprovalRequest.objects.get(number=proposal.approval_number)
        approval_decide(request=request, actor=second, decision="approve", comment="证据齐全，同意核销")
        made += 1
    if largest is not None:
        proposal = write_off_propose(
            requested_by=manager,
            reason=REASON_LARGE,
            customer=Customer.objects.get(pk=largest),
            evidence=[_evidence("破产程序终结裁定书")],
        )
        request = ApprovalRequest.objects.get(number=proposal.approval_number)
        approval_decide(request=request, actor=second, decision="approve", comment="同意，请财务总监审批")
        made += 1
    return {"write_off_proposals": made}
