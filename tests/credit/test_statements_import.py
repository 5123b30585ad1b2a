"""Customers' financial statements imported from a file, with their Altman Z-scores."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.credit.models import FinancialStatement
from huikuan.credit.selectors import customer_credit_summary
from tests.credit.conftest import make_customer

STATEMENTS = """\
客户编码,报表日期,企业类型,营运资本,留存收益,息税前利润,所有者权益,负债总额,营业收入,资产总额
HZ001,2025-12-31,非上市制造业,1200000.00,800000.00,-150000.00,2500000.00,3000000.00,9000000.00,6000000.00
NJ002,2025-12-31,non_manufacturer,500000.00,200000.00,300000.00,1000000.00,0.00,2000000.00,2500000.00
"""


@pytest.fixture
def customers(db):
    return make_customer("HZ001", name="杭州湖畔机电"), make_customer("NJ002", name="南京远航")


def test_a_bad_statement_row_imports_nothing_and_says_why(customers, huikuan, tmp_path):
    path = tmp_path / "statements.csv"
    path.write_text(STATEMENTS, encoding="utf-8")
    result = huikuan("import", "statements", str(path), "--json")
    assert result.code == 1
    [error] = result.json()["errors"]
    assert (error["line"], error["column"]) == (3, "负债总额")
    assert "total liabilities must be positive" in error["reason"]
    assert not FinancialStatement.objects.exists()


def test_statements_import_once_with_chinese_headers_and_give_the_z_score(customers, huikuan, tmp_path):
    path = tmp_path / "statements.csv"
    path.write_text(STATEMENTS.replace(",0.00,2000000.00", ",1500000.00,2000000.00"), encoding="utf-8")
    result = huikuan("import", "statements", str(path), "--json")
    assert result.code == 0, result.stderr
    assert result.json()["created"] == 2
    statement = FinancialStatement.objects.get(customer__code="HZ001")
    assert (statement.kind, statement.ebit) == ("private_manufacturer", Decimal("-150000.00"))
    # Z′ = 0.717×0.2 + 0.847×0.133333 + 3.107×(−0.025) + 0.420×0.833333 + 0.998×1.5 = 2.03: grey
    altman = customer_credit_summary(customer=customers[0], as_of=date(2026, 1, 31)).altman
    assert (altman.model, altman.score, altman.zone) == ("Z′", Decimal("2.03"), "grey")
    again = huikuan("import", "statements", str(path), "--json")
    assert again.json()["unchanged"] == 2 and FinancialStatement.objects.count() == 2
