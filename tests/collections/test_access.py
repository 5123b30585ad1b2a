"""Collectors see the collections records of their own customers only (SPEC §1)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group, User

from huikuan.accounts.roles import COLLECTOR, CREDIT_MANAGER
from huikuan.collections.run import dunning_run
from huikuan.collections.selectors import access_dunning_actions, access_promises_to_pay
from huikuan.collections.services import promise_make
from tests.collections.conftest import MARCH_1


def persona(username: str, role: str) -> User:
    user = User.objects.create_user(username)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_a_collector_sees_only_the_actions_and_promises_of_their_customers(make_customer, make_invoice):
    mine = make_customer("MINE", collector="zhang.wei")
    theirs = make_customer("THEIRS", collector="wang.fang")
    for customer in (mine, theirs):
        make_invoice(customer, f"{customer.code}-1", MARCH_1 - timedelta(days=3))
    promise_make(
        customer=theirs,
        promised_date=MARCH_1 + timedelta(days=9),
        amount=Decimal("5.00"),
        made_on=MARCH_1 + timedelta(days=1),
        made_by="wang.fang",
    )
    dunning_run(date=MARCH_1)
    collector = persona("zhang.wei", COLLECTOR)
    manager = persona("chen.jing", CREDIT_MANAGER)
    assert {a.customer.code for a in access_dunning_actions(user=collector)} == {"MINE"}
    assert {a.customer.code for a in access_dunning_actions(user=manager)} == {"MINE", "THEIRS"}
    assert not access_promises_to_pay(user=collector).exists()
    assert access_promises_to_pay(user=manager).count() == 1
    assert collector.has_perm("collections.add_promisetopay")
    assert not collector.has_perm("collections.change_dunningpolicy")
    assert manager.has_perm("collections.change_dunningpolicy")
