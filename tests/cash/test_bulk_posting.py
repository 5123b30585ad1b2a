"""``huikuan cash match --apply`` posts its automatic lines in bulk, by the same rule the
workbench posts one line with: the same ledger rows and audit entries, never twice, and never
over a person's decision taken meanwhile."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import transaction

from huikuan.cash.match import lines_match
from huikuan.cash.models import BankLine, DecisionKind, LineDecision, LineStatus
from huikuan.cash.services import line_accept, line_apply_automatically, lines_apply_automatically
from huikuan.core.audit import audit_context
from huikuan.core.errors import RuleViolation
from huikuan.ledger.models import Allocation, Invoice, Payment, WriteOff
from tests.cash.conftest import proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def automatic(ledger, bank_line) -> list[BankLine]:
    """Four receipts the matcher would post, two of them paying parts of one invoice."""
    return [
        bank_line("50000.00", proposal("auto", "HZ001", [("YS-0301", "50000.00")], confidence="0.97")),
        bank_line("10000.00", proposal("auto", "HZ001", [("YS-0301", "10000.00")], confidence="0.95")),
        bank_line(
            "49985.00",
            proposal(
                "auto",
                "HZ001",
                [("YS-0302", "49985.00")],
                confidence="0.93",
                difference={"amount": "15.00", "treatment": "write_off", "reason": "bank fee"},
            ),
        ),
        bank_line(
            "30000.00",
            proposal("auto", "CD003", [("YS-0304", "28000.00")], on_account="2000.00", confidence="0.96"),
            payer_name="成都锦江贸易有限公司",
        ),
    ]


def everything(lines: list[BankLine]) -> dict:
    """The lines, what they posted and the audit entries of it all, keyed by the lines' order."""
    order = {line.pk: index for index, line in enumerate(lines)}
    references = {f"BANK-{line.pk}": f"line-{order[line.pk]}" for line in lines}
    payments = {
        pk: references[ref] for pk, ref in Payment.objects.values_list("pk", "reference") if ref in references
    }
    invoices = dict(Invoice.objects.values_list("pk", "number"))
    allocations = dict(Allocation.objects.values_list("pk", "invoice__number"))
    write_offs = dict(WriteOff.objects.values_list("pk", "invoice__number"))
    watched = {
        "bankline": {str(line.pk) for line in lines},
        "linedecision": {str(pk) for pk in LineDecision.objects.values_list("pk", flat=True)},
        "payment": {str(pk) for pk in payments},
        "allocation": {str(pk) for pk in allocations},
        "writeoff": {str(pk) for pk in write_offs},
    }

    def plain(field: str, value):
        if value in (None, "None"):
            return value
        if field in ("line", "id") or field.endswith("_at") or field == "created_at":
            return "*"
        if field == "payment":
            return payments.get(int(value), value)
        if field == "invoice":
            return invoices.get(int(value), value)
        if field in ("allocations", "write_offs") and value.startswith("["):  # a decision's JSON
            rows = json.loads(value)
            for row in rows:
                row.pop("allocation_id", None)
                row.pop("write_off_id", None)
            return rows
        return value

    audit = (
        (
            entry.content_type.model,
            entry.action,
            sorted(
                (
                    (field, plain(field, old), plain(field, new))
                    for field, (old, new) in entry.changes.items()
                ),
                key=repr,
            ),
            entry.additional_data,
        )
        for entry in LogEntry.objects.select_related("content_type")
        if entry.object_pk in watched.get(entry.content_type.model, ())
    )
    audit = sorted(audit, key=repr)
    return {
        "lines": [
            (line.status, line.customer_id, line.payment_id is not None, line.decided_by)
            for line in BankLine.objects.filter(pk__in=order).order_by("pk")
        ],
        "payments": sorted(
            (payments[p.pk], p.customer_id, p.amount, p.allocated_amount, p.closed_on, p.open_span, p.memo)
            for p in Payment.objects.filter(pk__in=payments)
        ),
        "allocations": sorted(
            Allocation.objects.filter(payment__in=payments).values_list(
                "invoice__number", "amount", "allocation_date"
            )
        ),
        "write_offs": sorted(
            WriteOff.objects.values_list("invoice__number", "amount", "reason", "approved_by")
        ),
        "invoices": list(
            Invoice.objects.order_by("number").values_list("number", "applied_amount", "closed_on")
        ),
        "decisions": sorted(
            (order[d.line_id], d.kind, d.on_account, len(d.allocations), len(d.write_offs))
            for d in LineDecision.objects.all()
        ),
        "audit": audit,
    }


class _Undo(Exception):
    pass


def test_a_batch_posts_what_the_lines_one_by_one_post(automatic):
    with audit_context(source="cli"):
        try:
            with transaction.atomic():
                for line in automatic:
                    assert line_apply_automatically(line=line).posted
                one_by_one = everything(automatic)
                raise _Undo
        except _Undo:
            pass
        assert not LineDecision.objects.exists()
        outcomes = lines_apply_automatically(lines=automatic)
    assert all(outcome.posted for outcome in outcomes)
    assert everything(automatic) == one_by_one
    assert one_by_one["invoices"][0][1:] == (Decimal("100000.00"), automatic[1].booking_date)  # YS-0301 paid
    assert ("YS-0302", Decimal("15.00"), "bank fee", "matcher") in one_by_one["write_offs"]
    assert (3, DecisionKind.AUTO, Decimal("2000.00"), 1, 0) in one_by_one["decisions"]
    # Asked again: the decisions stand, nothing is posted twice.
    again = lines_apply_automatically(lines=automatic)
    assert not any(outcome.posted for outcome in again)
    assert [o.decision.pk for o in again] == [o.decision.pk for o in outcomes]
    assert Payment.objects.filter(reference__startswith="BANK-").count() == 4


def test_a_line_the_ledger_refuses_waits_and_the_rest_of_the_batch_posts(ledger, bank_line):
    first = bank_line("50000.00", proposal("auto", "HZ001", [("YS-0302", "50000.00")], confidence="0.97"))
    second = bank_line("50000.00", proposal("auto", "HZ001", [("YS-0302", "50000.00")], confidence="0.97"))
    posted, refused = lines_apply_automatically(lines=[first, second])
    assert posted.posted
    assert isinstance(refused, RuleViolation) and "exceeds the open balance 0.00 CNY" in refused.message
    with pytest.raises(RuleViolation, match="exceeds the open balance"):
        line_apply_automatically(line=second)
    assert not Payment.objects.filter(reference=f"BANK-{second.pk}").exists()


def test_match_apply_posts_in_bulk_once_and_audits_each_line(ledger, bank_line):
    lines = [
        bank_line("50000.00", payer_name="杭州湖畔机电有限公司", memo="货款 YS-0302"),
        bank_line("8000.50", payer_name="成都锦江贸易有限公司", memo="YS-0401"),
        # Paid again by mistake: the invoice is settled by the line before it in the batch.
        bank_line("50000.00", payer_name="杭州湖畔机电有限公司", memo="货款 YS-0302"),
    ]
    out = io.StringIO()
    call_command("cash", "match", "--apply", "--json", stdout=out)
    answer = {entry["bank_ref"]: entry["status"] for entry in json.loads(out.getvalue())["lines"]}
    assert [answer[line.bank_ref] for line in lines] == ["auto", "auto", "review"]
    statuses = [BankLine.objects.get(pk=line.pk).status for line in lines]
    assert statuses == [LineStatus.AUTO, LineStatus.AUTO, LineStatus.REVIEW]
    assert BankLine.objects.get(pk=lines[2].pk).proposal["status"] == "review"
    assert Payment.objects.filter(reference__startswith="BANK-").count() == 2
    decided = LogEntry.objects.filter(
        content_type__model="bankline", object_pk=str(lines[0].pk), action=LogEntry.Action.UPDATE
    )
    assert [entry.changes["status"] for entry in decided.order_by("pk")] == [
        ["unmatched", "review"],
        ["review", "auto"],
    ]
    assert {entry.additional_data["source"] for entry in decided} == {"cli"}
    assert (
        LogEntry.objects.filter(content_type__model="linedecision", action=LogEntry.Action.CREATE).count()
        == 2
    )
    before = (Payment.objects.count(), Allocation.objects.count(), LogEntry.objects.count())
    call_command("cash", "match", "--apply", "--json", stdout=io.StringIO())
    assert (Payment.objects.count(), Allocation.objects.count()) == before[:2]


def test_a_person_deciding_after_the_matcher_read_the_line_wins(ledger, bank_line):
    line = bank_line("50000.00", payer_name="杭州湖畔机电有限公司", memo="货款 YS-0302")
    stale = BankLine.objects.get(pk=line.pk)  # as the matcher read it, before the person acted
    BankLine.objects.filter(pk=line.pk).update(
        proposal=proposal("review", "HZ001", [("YS-0301", "50000.00")]), status=LineStatus.REVIEW
    )
    line.refresh_from_db()
    line_accept(line=line, decided_by="credit_manager")
    (result,) = lines_match(lines=[stale], apply=True)
    assert not result.posted
    line.refresh_from_db()
    assert (line.status, line.decided_by) == (LineStatus.APPLIED, "credit_manager")
    assert Payment.objects.filter(reference__startswith="BANK-").count() == 1
    assert Invoice.objects.get(number="YS-0302").open_amount == Decimal("50000.00")
