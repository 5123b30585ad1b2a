"""How an invoice reached the customer (``billing``: paper or electronic), as the ERP's export
says it: an optional column, in English or Chinese, refused when it is neither, changed by a
re-import with the change in the audit trail."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.utils import translation

from huikuan.ledger.imports.columns import parse_billing
from huikuan.ledger.models import Invoice
from tests.ledger.erp_files import INVOICES_CSV

HEADER = "invoice_number,customer_code,invoice_date,amount,billing\n"


def _billing() -> dict[str, str]:
    return dict(Invoice.objects.values_list("number", "billing"))


def test_billing_in_english_or_chinese_sets_how_the_invoice_reached_the_customer(
    customers, huikuan, write_file
):
    path = write_file(
        "yingshou.csv",
        HEADER
        + "YS-1,HZ001,2024-05-01,100.00,paper\n"
        + "YS-2,HZ001,2024-05-01,100.00,Electronic\n"
        + "YS-3,HZ001,2024-05-01,100.00,纸质\n"
        + "YS-4,HZ001,2024-05-01,100.00,电子发票\n"
        + "YS-5,HZ001,2024-05-01,100.00,数电票\n"
        + "YS-6,HZ001,2024-05-01,100.00,纸质发票\n"
        + "YS-7,HZ001,2024-05-01,100.00,PAPER\n"
        + "YS-8,HZ001,2024-05-01,100.00,\n"
        + "YS-9,HZ001,2024-05-01,100.00,全电发票\n",
    )

    result = huikuan("import", "invoices", path, "--json")

    assert result.code == 0, result.stdout
    assert _billing() == {
        "YS-1": "paper",
        "YS-2": "electronic",
        "YS-3": "paper",
        "YS-4": "electronic",
        "YS-5": "electronic",
        "YS-6": "paper",
        "YS-7": "paper",
        "YS-8": "",  # not known
        "YS-9": "electronic",
    }


def test_a_chinese_header_names_the_column(customers, huikuan, write_file):
    for header, number in (("送达方式", "YS-1"), ("开票方式", "YS-2"), ("发票形式", "YS-3")):
        path = write_file(
            f"{number}.csv",
            f"单据编号,客户编码,单据日期,金额,{header}\n{number},HZ001,2024-05-01,100.00,电子\n",
        )
        assert huikuan("import", "invoices", path).code == 0
    assert _billing() == {"YS-1": "electronic", "YS-2": "electronic", "YS-3": "electronic"}


def test_a_value_that_is_neither_paper_nor_electronic_is_refused_naming_row_and_column(
    customers, huikuan, write_file, ledger_counts
):
    before = ledger_counts()
    path = write_file(
        "yingshou.csv",
        HEADER + "YS-1,HZ001,2024-05-01,100.00,paper\nYS-2,HZ001,2024-05-01,100.00,fax\n",
    )

    result = huikuan("import", "invoices", path, "--json")

    assert result.code != 0
    [error] = result.json()["errors"]
    assert (error["line"], error["column"], error["value"]) == (3, "billing", "fax")
    assert "one of electronic, paper" in error["reason"]
    assert ledger_counts() == before


def test_the_refusal_reads_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValueError) as refused:
        parse_billing("传真")
    assert str(refused.value) == "不是有效的送达方式；可选值：electronic, paper"


def test_a_re_import_changes_it_and_the_audit_trail_keeps_before_and_after(invoices, huikuan, write_file):
    assert set(_billing().values()) == {""}  # the column is optional: the file without it imported
    with_billing = INVOICES_CSV.replace("salesperson\n", "salesperson,billing\n", 1)
    with_billing = with_billing.replace("SO-88001,张伟\n", "SO-88001,张伟,纸质\n")
    data = huikuan("import", "invoices", write_file("yingshou-1.csv", with_billing), "--json").json()
    assert (data["updated"], data["unchanged"]) == (1, 4)

    changed = with_billing.replace("SO-88001,张伟,纸质\n", "SO-88001,张伟,电子\n")
    data = huikuan("import", "invoices", write_file("yingshou-2.csv", changed), "--json").json()

    assert (data["updated"], data["unchanged"]) == (1, 4)
    invoice = Invoice.objects.get(number="YS-2024-0301")
    assert invoice.billing == "electronic"
    entries = LogEntry.objects.get_for_model(Invoice).filter(
        action=LogEntry.Action.UPDATE, object_pk=str(invoice.pk)
    )
    assert [entry.changes_dict for entry in entries.order_by("pk")] == [
        {"billing": ["", "paper"]},
        {"billing": ["paper", "electronic"]},
    ]
    assert entries.last().actor_email.startswith("import:invoices:")


def test_an_empty_cell_or_no_column_leaves_the_stored_value(invoices, huikuan, write_file):
    with_billing = INVOICES_CSV.replace("salesperson\n", "salesperson,billing\n", 1).replace(
        "SO-88001,张伟\n", "SO-88001,张伟,paper\n"
    )
    assert huikuan("import", "invoices", write_file("yingshou-1.csv", with_billing)).code == 0

    empty = with_billing.replace("SO-88001,张伟,paper\n", "SO-88001,张伟,\n")
    for text in (empty, INVOICES_CSV):
        data = huikuan("import", "invoices", write_file("yingshou-2.csv", text), "--json").json()
        assert (data["updated"], data["unchanged"]) == (0, 5)
    assert Invoice.objects.get(number="YS-2024-0301").billing == "paper"
