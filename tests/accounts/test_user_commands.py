"""``huikuan user create|token``: an admin sets up the people of SPEC §1 from the shell."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from huikuan.accounts.access import access_customers
from huikuan.accounts.roles import ROLES


def test_the_migration_creates_one_group_per_role(db):
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions__content_type")}
    assert set(ROLES) <= set(groups)
    auditor = {f"{p.content_type.app_label}.{p.codename}" for p in groups["auditor"].permissions.all()}
    assert auditor and all(".view_" in p for p in auditor)
    assert "ledger.add_allocation" in {
        f"{p.content_type.app_label}.{p.codename}" for p in groups["collector"].permissions.all()
    }


def test_a_user_is_created_in_a_role_with_a_generated_password(db, huikuan):
    result = huikuan("user", "create", "collector_wang", "--role", "collector", "--json")
    assert result.code == 0, result.stderr
    created = result.json()
    assert (created["username"], created["role"], created["password_generated"]) == (
        "collector_wang",
        "collector",
        True,
    )
    user = get_user_model().objects.get(username="collector_wang")
    assert user.check_password(created["password"])
    assert list(user.groups.values_list("name", flat=True)) == ["collector"]


def test_a_customer_user_is_linked_to_their_customer(seed002_ledger, huikuan):
    result = huikuan(
        "user",
        "create",
        "jia_ar",
        "--role",
        "customer",
        "--customer",
        "A",
        "--password",
        "Jia-gongsi-2024",
        "--email",
        "ar@jia.example.cn",
    )
    assert result.code == 0, result.stderr
    assert "Password" not in result.stdout
    user = get_user_model().objects.get(username="jia_ar")
    assert user.email == "ar@jia.example.cn"
    assert [c.code for c in access_customers(user=user)] == ["A"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "customer"], "needs --customer"),
        (["--role", "auditor", "--customer", "A"], "needs --customer"),
        (["--role", "customer", "--customer", "NOPE"], "no customer with code 'NOPE'"),
        (["--role", "auditor", "--password", "123"], "too short"),
    ],
)
def test_bad_requests_are_refused_on_stderr(seed002_ledger, huikuan, args, message):
    result = huikuan("user", "create", "someone", *args)
    assert result.code == 1
    assert message in result.stderr
    assert not get_user_model().objects.filter(username="someone").exists()


def test_a_username_is_taken_once(db, huikuan):
    assert huikuan("user", "create", "auditor", "--role", "auditor").code == 0
    again = huikuan("user", "create", "auditor", "--role", "cfo")
    assert again.code == 1
    assert "already exists" in again.stderr


def test_the_token_is_made_once_and_printed_every_time(db, huikuan):
    assert huikuan("user", "create", "erp_sync", "--role", "credit_manager").code == 0
    first = huikuan("user", "token", "erp_sync").stdout.strip()
    assert len(first) == 40
    assert huikuan("user", "token", "erp_sync", "--json").json() == {"username": "erp_sync", "token": first}
    missing = huikuan("user", "token", "nobody")
    assert missing.code == 1
    assert "no user 'nobody'" in missing.stderr
