"""Loading the whole demo company into an empty database."""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from huikuan.correspondence.backends import OUTBOX
from huikuan.correspondence.services import letterhead_update
from huikuan.demo.advances import advances_demo
from huikuan.demo.bills import bills_demo
from huikuan.demo.cash import cash_apply, vat_receipt_apply
from huikuan.demo.collections import (
    disputes_open,
    dunning_days,
    overdue_reasons_note,
    plans_agree,
    promises_make,
)
from huikuan.demo.credit import evaluations_year, orders_place, statements_record
from huikuan.demo.credit_policies import market_and_benchmarks, terms_and_interest
from huikuan.demo.legal import legal_demo
from huikuan.demo.plans import clearance_plan_demo
from huikuan.demo.pricing import fee_charges_raise, priced_orders_place
from huikuan.demo.reports import reports_prepare
from huikuan.demo.risk import risk_demo
from huikuan.demo.scorecards import scorecards_score
from huikuan.demo.statements import provision_specific, statements_send
from huikuan.demo.users import demo_users_ensure
from huikuan.demo.vat import vat_demo
from huikuan.demo.write_offs import write_offs_demo
from huikuan.finance.kpi_trend import kpi_months_refresh
from huikuan.ledger.demo import demo_load, demo_profiles
from huikuan.ledger.models import Customer

# The seller (a made-up company): its details on every letter and statement of account.
LETTERHEAD = {
    "company_name_zh": "苏州澜拓智能装备股份有限公司",
    "company_name_en": "Suzhou Lantuo Intelligent Equipment Co., Ltd.",
    "address": "江苏省苏州市工业园区星湖街328号创意产业园A2栋（邮编215123）",
    "phone": "0512-6288 5300",
    "email": "ar@lantuo-demo.cn",
    "bank_name": "中国工商银行苏州工业园区支行",
    "bank_account": "1102 0203 0900 0188 866",
    "tax_id": "91320594MA1N8C4K2T",
    "signature": "应收账款部 林晓雯（0512-6288 5318）",
}


def demo_company_load(
    *, seed: int = 2026, invoices: int | None = None, as_of: date
) -> tuple[dict, list[dict]]:
    """The demo ledger (``huikuan.ledger.demo``), then a year of the credit department's work
    on it; returns how many records of each kind, and the demo users (a password only for a
    user created now). One transaction: refused or failed, nothing is kept. The emails it
    sends (the statements of account) go to the outbox, whatever the email settings."""
    from django.test.utils import override_settings

    with override_settings(EMAIL_BACKEND=OUTBOX), transaction.atomic():
        summary = demo_load(seed=seed, invoices=invoices, as_of=as_of)
        users = demo_users_ensure()
        letterhead_update(updated_by="demo", **LETTERHEAD)
        profiles = demo_profiles(seed=seed, invoices=invoices, as_of=as_of)
        habits = {code: habit for code, (habit, _) in profiles.items()}
        targets = {code: target for code, (_, target) in profiles.items()}
        collectors = dict(Customer.objects.values_list("pk", "collector"))
        salesperson = next(user["username"] for user in users if user["role"] == "salesperson")
        rng = random.Random(f"{seed}:demo-company")  # noqa: S311 - reproducible, not a secret
        summary.update(market_and_benchmarks(as_of=as_of))
        summary.update(evaluations_year(as_of=as_of))
        summary["financial_statements"] = statements_record(rng=rng, as_of=as_of, targets=targets)
        summary.update(orders_place(rng=rng, as_of=as_of, salesperson=salesperson))
        summary.update(priced_orders_place(rng=rng, as_of=as_of))
        summary.update(fee_charges_raise(as_of=as_of))
        summary["overdue_reasons"] = overdue_reasons_note(
            rng=rng, as_of=as_of, habits=habits, collectors=collectors
        )
        summary["disputes"] = disputes_open(rng=rng, as_of=as_of)
        summary.update(terms_and_interest(as_of=as_of))
        summary.update(promises_make(rng=rng, as_of=as_of, collectors=collectors))
        summary["payment_plans"] = plans_agree(as_of=as_of, collectors=collectors)
        summary.update(dunning_days(as_of=as_of))
        summary.update(cash_apply(rng=rng, as_of=as_of, reviewer="demo.manager"))
        summary.update(statements_send(rng=rng, as_of=as_of, sender="demo.manager"))
        summary["specific_provisions"] = provision_specific(as_of=as_of, created_by="demo.manager")
        summary.update(write_offs_demo(as_of=as_of))
        summary.update(vat_demo(rng=random.Random(f"{seed}:vat"), as_of=as_of))  # noqa: S311 - not a secret
        summary.update(vat_receipt_apply(as_of=as_of, reviewer="demo.manager"))
        summary.update(advances_demo(as_of=as_of))
        summary.update(legal_demo(as_of=as_of))
        summary["clearance_plans"] = 1 if clearance_plan_demo(as_of=as_of) else 0
        summary.update(scorecards_score(as_of=as_of, approver="demo.manager"))
        summary.update(reports_prepare(as_of=as_of))
        summary["kpi_months"] = kpi_months_refresh(last_day=as_of)  # the KPIs page's trend
        summary.update(bills_demo(as_of=as_of))
        # Last: the model learns from the whole ledger; the worklist and segments read its scores.
        summary.update(risk_demo(as_of=as_of))
    return summary, users
