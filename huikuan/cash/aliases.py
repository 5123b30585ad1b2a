"""Learned payer aliases: a payer's account or name → the customer a person applied it to."""

from __future__ import annotations

from django.db import transaction

from huikuan.cash.matching.engine import account_key
from huikuan.cash.matching.names import squeeze
from huikuan.cash.matching.third_party import on_behalf_name
from huikuan.cash.models import AliasKind, BankLine, PayerAlias
from huikuan.ledger.models import Customer


def alias_name(payer_name: str) -> str:
    """A payer name as aliases keep it: the matcher's own normal form of a name."""
    return squeeze(payer_name)


def alias_account(payer_account: str) -> str:
    """A payer account as aliases keep it: the matcher's own normal form of an account."""
    return account_key(payer_account)


@transaction.atomic
def alias_learn(*, line: BankLine, customer: Customer, created_by: str) -> list[PayerAlias]:
    """Remember that this line's payer account and name are ``customer``'s.

    An alias that pointed at another customer is moved to this one (the audit trail keeps
    where it pointed before). A line whose memo says it pays for someone else (代…付) teaches
    nothing: its account and name are a third party's."""
    learned: list[PayerAlias] = []
    if on_behalf_name(line.memo):
        return learned
    for kind, value in (
        (AliasKind.ACCOUNT, alias_account(line.payer_account)),
        (AliasKind.NAME, alias_name(line.payer_name)),
    ):
        if not value:
            continue
        alias = PayerAlias.objects.select_for_update().filter(kind=kind, value=value).first()
        if alias is None:
            alias = PayerAlias.objects.create(
                kind=kind, value=value, customer=customer, learned_from=line, created_by=created_by
            )
        elif alias.customer_id != customer.pk:
            alias.customer = customer
            alias.learned_from = line
            alias.created_by = created_by
            alias.save(update_fields=["customer", "learned_from", "created_by"])
        learned.append(alias)
    return learned
