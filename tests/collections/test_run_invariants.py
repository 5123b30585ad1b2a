"""Whatever days the run is given, in whatever order: no step twice, steps only forward."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huikuan.collections.models import DunningAction, DunningClaim, DunningRun, Penalty
from huikuan.collections.run import dunning_run
from tests.collections.conftest import MARCH_1


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.lists(st.integers(min_value=-10, max_value=150), min_size=1, max_size=8))
def test_runs_on_any_days_in_any_order_never_repeat_a_step_nor_go_back(make_customer, make_invoice, days):
    from huikuan.ledger.models import Customer

    DunningClaim.objects.all().delete()
    Penalty.objects.all().delete()
    DunningAction.objects.all().delete()
    DunningRun.objects.all().delete()
    if not Customer.objects.filter(code="INV").exists():
        for code, credit_class in (("INV", "B"), ("INV-C", "C"), ("INV-A", "A")):
            customer = make_customer(code, credit_class)
            for offset in (-3, 0, 2, 25, 40, 70):
                make_invoice(customer, f"{code}-{offset}", MARCH_1 + timedelta(days=offset))
    for day in days:
        dunning_run(date=MARCH_1 + timedelta(days=day))
    taken: dict[int, list[tuple[int, object]]] = {}
    for invoice_id, sequence, run_date in DunningClaim.objects.order_by("id").values_list(
        "invoice_id", "sequence", "run_date"
    ):
        taken.setdefault(invoice_id, []).append((sequence, run_date))
    for steps in taken.values():
        sequences = [sequence for sequence, _ in steps]
        assert sequences == sorted(set(sequences))  # no repeat, only forward
        dates = [run_date for _, run_date in steps]
        assert dates == sorted(dates)
