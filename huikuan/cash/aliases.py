"""Learned payer aliases: a payer's account or name → the customer a person applied it to."""

from __future__ import annotations

import re
import unicodedata

from django.db import transaction

from huikuan.cash.models import AliasKind, BankLine, PayerAlias
from huikuan.ledger.models import Customer

_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
_SPACES = re.compile(r"\s+")


def alias_name(payer_name: str) -> str:
    """A payer name as aliases keep it: NFKC, lower-case, letters, digits and Chinese only."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", payer_name).lower())


def alias_account(payer_account: str) -> str:
    """A payer account as aliases keep it: without spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", payer_account))


@transaction.atomic
def alias_learn(*, line: BankLine, customer: Customer, created_by: str) -> list[PayerAlias]:
    """Remember that this line's payer account and name are ``customer``'s.

    An alias that pointed at another customer is moved to this one (the audit trail keeps
    where it pointed before)."""
    learned = []
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
