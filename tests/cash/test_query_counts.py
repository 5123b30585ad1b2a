"""The workbench, the API's cash queue and its bank lists cost the same number of queries with
2 lines (or statements) as with 12, decided or not, each with its candidates: an N+1 would add
a query a line."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huikuan.cash.models import BankStatement
from huikuan.cash.services import line_accept
from tests.api.conftest import api_as  # noqa: F401 - fixture
from tests.api.test_query_counts import assert_flat
from tests.cash.conftest import proposal
from tests.web.conftest import web_as  # noqa: F401 - fixture


def add_lines(bank_line, count: int) -> None:
    for i in range(count):
        line = bank_line(
            f"{i + 1}.00",
            proposal(
                "review",
                "HZ001",
                [("YS-0302", f"{i + 1}.00")],
                candidates=[{"customer_code": "CD003", "customer_name": "成都锦江", "confidence": "0.4"}],
            ),
        )
        if i % 2:
            line_accept(line=line, decided_by="credit_manager")
        bank_line(f"{i + 100}.00", proposal("unmatched"))


def queries(browser, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(path).status_code == 200
    return len(captured)


def test_the_queue_page_needs_no_query_per_line(web_as, bank_line):  # noqa: F811
    browser = web_as("credit_manager")
    add_lines(bank_line, 2)
    few = {path: queries(browser, path) for path in ("/cash/", "/cash/?status=decided", "/cash/?status=")}
    add_lines(bank_line, 10)
    more = {path: queries(browser, path) for path in few}
    assert more == few


@pytest.mark.parametrize("url", ["/api/cash/lines/?page_size=500", "/api/bank/lines/?page_size=500"])
def test_the_apis_line_lists_need_no_query_per_line(api_as, bank_line, django_assert_max_num_queries, url):  # noqa: F811
    def grow(start: int, count: int) -> None:
        # The queue: lines to review, each with a candidate, and unmatched ones.
        for i in range(start, start + count):
            candidate = {"customer_code": "CD003", "customer_name": "成都锦江", "confidence": "0.4"}
            review = proposal("review", "HZ001", [("YS-0302", f"{i + 1}.00")], candidates=[candidate])
            bank_line(f"{i + 1}.00", review if i % 2 else proposal("unmatched"))

    assert_flat(api_as("credit_manager"), url, grow, django_assert_max_num_queries)


def test_the_apis_statement_list_needs_no_query_per_statement(
    api_as,  # noqa: F811 - the fixture imported above
    statement,
    django_assert_max_num_queries,
):
    def grow(start: int, count: int) -> None:
        for i in range(start, start + count):
            BankStatement.objects.create(
                account_number="6222000011112222",
                format="camt053",
                file_name=f"q-{i}.xml",
                sha256=f"{i:064d}",
            )

    url = "/api/bank/statements/?page_size=500"
    assert_flat(api_as("credit_manager"), url, grow, django_assert_max_num_queries)
