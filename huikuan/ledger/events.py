"""What the apps above the ledger want to hear of: money that may free a customer's credit.

A payment received or applied, or a credit note, may remove the reason an order was blocked
(seed 002: 客户努力后具备发货条件). The ledger does not know of orders; credit registers a
listener (``CreditConfig.ready``) by its dotted path, and the ledger's writes call
:func:`customers_money_received` inside their transaction, so what the listener queues is
committed with the money, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils.module_loading import import_string

_LISTENERS: list[str] = []


def register_money_listener(path: str) -> None:
    """``path`` names a function ``(*, customer_ids: list[int], on: date, reason: str)``."""
    if path not in _LISTENERS:
        _LISTENERS.append(path)


def customers_money_received(*, customer_ids: Iterable[int | None], on: date, reason: str) -> None:
    """Tell the listeners that these customers' credit may have been freed on ``on``
    (``reason``: payment, allocation, credit_note)."""
    ids = sorted({pk for pk in customer_ids if pk is not None})
    if not ids:
        return
    for path in _LISTENERS:
        import_string(path)(customer_ids=ids, on=on, reason=reason)


_CORRECTION_LISTENERS: list[str] = []


def register_correction_listener(path: str) -> None:
    """``path`` names a function ``(*, correction_ids: list[int], on: date)``, told of red-letter
    corrections confirmed (collections resolves the disputes they settle)."""
    if path not in _CORRECTION_LISTENERS:
        _CORRECTION_LISTENERS.append(path)


def corrections_confirmed(*, correction_ids: Iterable[int], on: date) -> None:
    """Tell the listeners, inside the confirming transaction, that these corrections now apply."""
    ids = sorted(set(correction_ids))
    if not ids:
        return
    for path in _CORRECTION_LISTENERS:
        import_string(path)(correction_ids=ids, on=on)
