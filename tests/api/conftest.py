"""A distributor's ledger as its ERP exports it, and the people who use the API on it.

collector_wang works 湖畔机电 and 南山电子, collector_zhao 锦江贸易 and Lion City;
sales_zhang sells to 湖畔机电 and 锦江贸易. The customer_contact is 南山电子's accountant.
The auditor and the credit_manager see everything; the outsider has no role at all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from huikuan.accounts.services import user_create, user_token
from tests.conftest import cli

CUSTOMERS = """\
customer_code,name,credit_class,credit_limit,term_days,salesperson,collector,department,currency
HZ001,杭州湖畔机电有限公司,A,500000.00,60,sales_zhang,collector_wang,华东销售部,CNY
SZ002,深圳南山电子有限公司,B,200000,,sales_li,collector_wang,华南销售部,CNY
CD003,成都锦江贸易有限公司,C,,,sales_zhang,collector_zhao,西南销售部,CNY
SG005,Lion City Trading Pte Ltd,,,,sales_chen,collector_zhao,海外部,USD
"""
INVOICES = """\
invoice_number,customer_code,invoice_date,due_date,amount,currency,exchange_rate
YS-0301,HZ001,2024-03-01,2024-05-05,100000.00,CNY,
YS-0302,HZ001,2024-03-02,2024-05-06,50000.00,CNY,
YS-0303,SZ002,2024-03-03,2024-04-22,80000.00,CNY,
YS-0304,CD003,2024-03-04,2024-04-08,30000.00,CNY,
YS-0305,SG005,2024-03-05,2024-04-09,10000.00,USD,7.100000
YS-0401,CD003,2024-04-01,2024-06-01,8000.50,CNY,
"""
PAYMENTS = """\
payment_ref,customer_code,payment_date,amount,payer_name
HK-001,HZ001,2024-04-20,60000.00,杭州湖畔机电有限公司
HK-002,CD003,2024-04-25,10000.00,成都锦江贸易有限公司
HK-003,,2024-04-28,3000.00,不明来款
"""
ALLOCATIONS = """\
payment_ref,invoice_number,amount,allocation_date
HK-001,YS-0301,40000.00,2024-04-20
"""
CREDIT_NOTES = """\
credit_note_number,customer_code,invoice_number,date,amount,reason
CN-001,CD003,YS-0304,2024-04-10,2000.00,退货
CN-002,HZ001,,2024-04-12,500.00,折让
"""
PERSONAS = {
    "collector_wang": ("collector", ""),
    "collector_zhao": ("collector", ""),
    "sales_zhang": ("salesperson", ""),
    "credit_manager": ("credit_manager", ""),
    "auditor": ("auditor", ""),
    "customer_contact": ("customer", "SZ002"),
    "outsider": (None, ""),
}


def ledger_load(folder: Path) -> None:
    """The distributor's ledger, imported from its ERP's files (written into ``folder``)."""
    for kind, text in (
        ("customers", CUSTOMERS),
        ("invoices", INVOICES),
        ("payments", PAYMENTS),
        ("allocations", ALLOCATIONS),
        ("credit-notes", CREDIT_NOTES),
    ):
        path = folder / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        result = cli("import", kind, str(path))
        assert result.code == 0, result.stderr


@pytest.fixture
def ledger(db, tmp_path):
    ledger_load(tmp_path)


@pytest.fixture
def personas(ledger, django_user_model) -> dict[str, object]:
    people = {}
    for username, (role, customer_code) in PERSONAS.items():
        if role is None:
            people[username] = django_user_model.objects.create_user(username, password="not-a-role-9")
        else:
            people[username] = user_create(
                username=username, role=role, password="Huikuan-test-pw-1", customer_code=customer_code
            ).user
    return people


@pytest.fixture
def api_as(personas) -> Callable[[str], APIClient]:
    """An API client authenticated as a persona with their token: ``api_as("auditor")``."""

    def client_for(username: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(username=username)}")
        return client

    return client_for


def keys(response, field: str) -> list[str]:
    assert response.status_code == 200, response.content
    return [record[field] for record in response.json()["results"]]
