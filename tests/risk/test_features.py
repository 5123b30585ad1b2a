"""The features of a late-payment score: only what happened before the scoring day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from huikuan.risk.features import FEATURES, PRIOR_WEIGHT, Target, features_build
from huikuan.risk.history import History, InvoiceRow

D = date


def _row(pk, customer, issued, closed, *, amount=100.0, disputed_on=None):
    return InvoiceRow(
        id=pk,
        number=f"I{pk}",
        customer_id=customer,
        invoice_date=issued,
        due_date=issued + timedelta(days=30),
        amount=amount,
        closed_on=closed,
        disputed=disputed_on is not None,
        disputed_on=disputed_on,
        credit_class="B",
    )


def test_a_customers_history_counts_only_what_happened_before_the_day():
    rows = [
        _row(1, 1, D(2025, 1, 1), D(2025, 2, 20)),  # 20 days late
        _row(2, 1, D(2025, 1, 10), D(2025, 2, 5)),  # 4 days early
        _row(3, 1, D(2025, 2, 1), D(2025, 4, 15)),  # overdue on 2025-3-20, settled after
        _row(4, 1, D(2025, 3, 20), None),  # the invoice scored
        _row(5, 2, D(2025, 1, 1), D(2025, 1, 15)),  # another customer, on time
    ]
    history = History(invoices=rows, broken_promises={1: [D(2025, 3, 1), D(2025, 5, 1)]})
    (features,) = features_build(history, [Target(3, D(2025, 3, 20))])
    f = dict(zip(FEATURES, features, strict=True))
    # Settled before 2025-03-20: invoices 1, 2 (customer 1) and 5 (the population: 1 late of 3).
    population_share = 1 / 3
    assert f["history_settled"] == 2
    assert f["late_share"] == pytest.approx((1 + PRIOR_WEIGHT * population_share) / (2 + PRIOR_WEIGHT))
    assert f["open_count"] == 1 and f["overdue_count"] == 1  # invoice 3: due 2025-03-03, unpaid
    assert f["days_late_recent"] == pytest.approx((20 + -4) / 2)
    assert f["broken_promises"] == 1 and f["terms_days"] == 30
    # The same day with invoice 3 settled a day after: nothing changes.
    later = [*rows[:2], _row(3, 1, D(2025, 2, 1), D(2025, 3, 21)), *rows[3:]]
    (again,) = features_build(History(later, history.broken_promises), [Target(3, D(2025, 3, 20))])
    assert again == features


def test_an_outcome_counts_once_decided_and_an_invoice_still_open_past_due_is_late():
    from huikuan.risk.services import _examples

    rows = [
        _row(1, 1, D(2025, 1, 1), D(2025, 1, 25)),  # due 1-31, paid early: on time
        _row(2, 1, D(2025, 1, 5), D(2025, 2, 10)),  # due 2-4, paid 6 days late
        _row(3, 1, D(2025, 1, 10), None),  # due 2-9, still open on 3-1: late, days unknown
        _row(4, 1, D(2025, 1, 20), D(2025, 3, 5)),  # due 2-19, paid after the day: late
        _row(5, 1, D(2025, 2, 10), D(2025, 2, 12)),  # due 3-12: not decided yet, left out
    ]
    history = History(invoices=rows, broken_promises={})
    examples = _examples(history, before=D(2025, 3, 1), grace=0)
    assert [history.invoices[t.invoice].id for t in examples.targets] == [1, 2, 3, 4]
    assert examples.late == [0, 1, 1, 1]
    assert examples.days == [24.0, 36.0, None, None]
    # Six days late within ten days' grace: on time; invoice 4 is not decided by 3-1 with it.
    graced = _examples(history, before=D(2025, 3, 1), grace=10)
    assert [history.invoices[t.invoice].id for t in graced.targets] == [1, 2, 3]
    assert graced.late == [0, 0, 1]


def test_a_customer_late_only_on_disputed_invoices_is_read_by_dispute_and_a_later_dispute_is_not_known():
    rows = [
        _row(1, 1, D(2025, 1, 1), D(2025, 1, 31)),  # undisputed: on the due date
        _row(2, 1, D(2025, 1, 5), D(2025, 3, 6), disputed_on=D(2025, 1, 20)),  # disputed: 30 days late
        _row(3, 1, D(2025, 1, 10), D(2025, 2, 9)),  # undisputed: on the due date
        # Settled on time, disputed only after the scoring day: not a disputed invoice on that day.
        _row(4, 1, D(2025, 1, 15), D(2025, 2, 14), disputed_on=D(2025, 5, 1)),
        _row(5, 1, D(2025, 4, 1), None, disputed_on=D(2025, 4, 2)),  # scored while disputed
        _row(6, 1, D(2025, 4, 1), None),  # scored undisputed
    ]
    history = History(invoices=rows, broken_promises={})
    disputed, undisputed = (
        dict(zip(FEATURES, row, strict=True))
        for row in features_build(history, [Target(4, D(2025, 4, 10)), Target(5, D(2025, 4, 10))])
    )
    assert disputed["disputed"] == 1 and undisputed["disputed"] == 0
    # One disputed settlement 30 days late against three undisputed on time, each smoothed toward
    # the customer's mean (7.5 days; two invoices' weight): 15 days against 3. Had invoice 4's
    # later dispute counted, the two would read 11.25 and 3.75.
    assert disputed["days_late_same_dispute"] == pytest.approx((30 + 2 * 7.5) / 3)
    assert undisputed["days_late_same_dispute"] == pytest.approx((0 + 2 * 7.5) / 5)
    assert disputed["late_share_same_dispute"] == pytest.approx(0.5)
    assert undisputed["late_share_same_dispute"] == pytest.approx(0.1)


def test_how_an_invoice_was_sent_is_a_feature_with_the_customers_history_on_each_channel():
    def sent(pk, issued, closed, electronic):
        return InvoiceRow(**{**_row(pk, 1, issued, closed).__dict__, "electronic": electronic})

    rows = [
        sent(1, D(2025, 1, 1), D(2025, 2, 20), False),  # paper: 20 days late
        sent(2, D(2025, 1, 5), D(2025, 2, 24), False),  # paper: 20 days late
        sent(3, D(2025, 1, 10), D(2025, 2, 5), True),  # electronic: 4 days early
        sent(4, D(2025, 4, 1), None, True),
        sent(5, D(2025, 4, 1), None, False),
        sent(6, D(2025, 4, 1), None, None),
    ]
    electronic, paper, unknown = (
        dict(zip(FEATURES, row, strict=True))
        for row in features_build(
            History(rows, {}),
            [Target(3, D(2025, 4, 10)), Target(4, D(2025, 4, 10)), Target(5, D(2025, 4, 10))],
        )
    )
    assert (electronic["electronic"], paper["electronic"], unknown["electronic"]) == (1, 0, -1)
    assert (
        paper["days_late_same_billing"]
        > unknown["days_late_same_billing"]
        > electronic["days_late_same_billing"]
    )


def test_every_feature_has_words_for_the_collector_in_chinese():
    from django.utils import translation

    from huikuan.risk.labels import REASONS

    assert set(REASONS) == set(FEATURES)
    with translation.override("zh-hans"):
        untranslated = [
            name for name, words in REASONS.items() if not any("\u4e00" <= c <= "\u9fff" for c in str(words))
        ]
    assert not untranslated
