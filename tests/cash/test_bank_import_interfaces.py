"""The command line and the API import bank statements through the one service."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from huikuan.accounts.roles import AUDITOR, CFO, COLLECTOR
from huikuan.accounts.services import user_create, user_token
from huikuan.cash.models import BankLine, BankProfile, BankStatement
from huikuan.cash.profiles import BUILTIN

BANK = Path(__file__).resolve().parent.parent / "fixtures" / "bank"


def test_the_cli_imports_and_answers_in_json(db, huikuan):
    first = huikuan("bank", "import", str(BANK / "camt053v08_genkgo.xml"), "--json")
    assert first.code == 0, first.stderr
    answer = first.json()
    assert (answer["imported"], answer["format"], answer["lines_new"], answer["credits"]) == (
        True,
        "camt053",
        1,
        1,
    )
    assert answer["totals"] == {"EUR": {"credit": "8.85", "debit": "0.00"}}
    again = huikuan("bank", "import", str(BANK / "camt053v08_genkgo.xml"), "--json").json()
    assert (again["lines_new"], again["duplicates"]) == (0, 1)


def test_the_cli_refuses_a_bad_file_with_exit_1_and_where(db, huikuan, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("reference,date,amount,currency\nR1,2024-02-30,1.00,CNY\n", encoding="utf-8")
    as_text = huikuan("bank", "import", str(bad), "--profile", "canonical")
    assert as_text.code == 1 and "line 2" in as_text.stderr and "date" in as_text.stderr
    as_json = huikuan("bank", "import", str(bad), "--profile", "canonical", "--json")
    assert as_json.code == 1
    assert as_json.json()["errors"][0]["line"] == 2 and not as_json.json()["imported"]
    assert BankLine.objects.count() == 0


def test_the_cli_names_the_format_and_the_profile(db, huikuan):
    result = huikuan(
        "bank", "import", str(BANK / "cn_cmb_debit_deb.csv"), "--format", "csv", "--profile", "cmb"
    )
    assert result.code == 0 and "profile cmb" in result.stdout
    unknown = huikuan("bank", "import", str(BANK / "cn_cmb_debit_deb.csv"), "--profile", "nosuch", "--json")
    assert unknown.code == 1 and "no bank profile named nosuch" in unknown.json()["message"]


def test_the_cli_saves_and_lists_a_profile(db, huikuan, tmp_path):
    spec = tmp_path / "mybank.json"
    spec.write_text(
        json.dumps(
            {"name": "mybank", "columns": {"date": "日期", "amount": "金额"}, "amount_layout": "signed"}
        ),
        encoding="utf-8",
    )
    assert huikuan("bank", "profile", "add", "--from-json", str(spec), "--json").json() == {
        "name": "mybank",
        "created": True,
    }
    names = [p["name"] for p in huikuan("bank", "profile", "list", "--json").json()]
    assert names == [*BUILTIN, "mybank"]
    assert BankProfile.objects.get().columns == {"date": "日期", "amount": "金额"}


@pytest.fixture
def client_of(db):
    def make(role: str) -> APIClient:
        user_create(username=role, role=role, password="Huikuan-test-pw-1")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(username=role)}")
        return client

    return make


def test_the_api_imports_a_file_once_and_lists_its_lines(client_of, django_capture_on_commit_callbacks):
    cfo = client_of(CFO)
    with (
        (BANK / "mt940_wolph_mbank.sta").open("rb") as upload,
        django_capture_on_commit_callbacks(execute=True),
    ):
        created = cfo.post("/api/bank/import/", {"file": upload, "format": "mt940"}, format="multipart")
    assert created.status_code == 201, created.content
    assert (created.json()["lines_new"], created.json()["credits"]) == (3, 3)
    with (BANK / "mt940_wolph_mbank.sta").open("rb") as upload:
        again = cfo.post("/api/bank/import/", {"file": upload}, format="multipart")
    assert again.status_code == 200 and again.json()["lines_new"] == 0
    auditor = client_of(AUDITOR)
    statements = auditor.get("/api/bank/statements/").json()["results"]
    assert [s["imported_by"] for s in statements] == [CFO]
    lines = auditor.get("/api/bank/lines/", {"direction": "credit"}).json()["results"]
    assert {line["bank_ref"] for line in lines} == {"MB170119012058", "MB170119012085", "MB170119012121"}
    assert {line["payer_name"] for line in lines} == {"JAN NOWAK"}
    statement_id = statements[0]["id"]
    by_statement = auditor.get("/api/bank/lines/", {"statement": statement_id}).json()["results"]
    assert len(by_statement) == 3
    # An id beyond what the database holds, or not plain digits: no such statement, not a 500.
    for odd in ("35046518888785412096", "²", "-1"):
        answer = auditor.get("/api/bank/lines/", {"statement": odd})
        assert answer.status_code == 200 and answer.json()["results"] == []
    # The import queued their matching (run at once here): a payer who is no customer is
    # left unmatched, never applied.
    assert {line["status"] for line in lines} == {"unmatched"}


def test_the_api_refuses_a_bad_file_with_the_xml_path(client_of, tmp_path):
    bad = tmp_path / "bad.xml"
    text = (BANK / "camt053v08_genkgo.xml").read_text(encoding="utf-8")
    bad.write_text(
        text.replace("8.85</Amt>\n                <CdtDbtInd>CRDT", "8.85</Amt><CdtDbtInd>UP"),
        encoding="utf-8",
    )
    with bad.open("rb") as upload:
        response = client_of(CFO).post("/api/bank/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/CdtDbtInd"
    assert BankLine.objects.count() == 0


def test_a_collector_neither_imports_nor_reads_bank_statements(client_of):
    collector = client_of(COLLECTOR)
    with (BANK / "mt940_wolph_mbank.sta").open("rb") as upload:
        assert collector.post("/api/bank/import/", {"file": upload}, format="multipart").status_code == 403
    assert collector.get("/api/bank/statements/").status_code == 403
    # Bank lines: only those proposed for or applied to the collector's customers.
    assert collector.get("/api/bank/lines/").json()["results"] == []
    assert BankLine.objects.count() == 0


def test_the_import_page_offers_the_bank_statement_and_imports_it(db, client):
    from huikuan.accounts.roles import CREDIT_MANAGER

    manager = user_create(username="manager", role=CREDIT_MANAGER, password="Huikuan-test-pw-1").user
    client.force_login(manager)
    page = client.get("/import/")
    assert page.status_code == 200 and 'id="bank-import-form"' in page.content.decode()
    assert "ccb" in page.content.decode()  # the profiles to choose from
    with (BANK / "cn_icbc_debit_v2_deb.csv").open("rb") as upload:
        done = client.post("/import/bank/", {"file": upload, "format": "auto", "profile": "", "account": ""})
    assert done.status_code == 200, done.content.decode()[-2000:]
    assert 'id="bank-import-result"' in done.content.decode() and BankLine.objects.count() == 11


def test_the_bank_import_page_lists_each_bad_line(db, client, tmp_path):
    user_create(username="cfo", role=CFO, password="Huikuan-test-pw-1")
    client.login(username="cfo", password="Huikuan-test-pw-1")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "reference,date,amount,currency\nR1,2024-01-02,abc,CNY\nR2,yesterday,1,CNY\n", encoding="utf-8"
    )
    with bad.open("rb") as upload:
        response = client.post("/import/bank/", {"file": upload, "format": "csv", "profile": "canonical"})
    assert response.status_code == 422
    assert 'id="bank-import-errors"' in response.content.decode() and BankLine.objects.count() == 0


def test_the_api_gives_amounts_and_balances_as_decimal_strings_with_their_cents(client_of, tmp_path):
    statement = tmp_path / "bank.csv"
    statement.write_text(
        "reference,date,amount,direction,payer_name,payer_account,memo,currency\n"
        "R-1,2026-11-30,67332.18,C,江苏恒瑞化工股份有限公司,3200,货款,CNY\n",
        encoding="utf-8",
    )
    cfo = client_of(CFO)
    with statement.open("rb") as upload:
        assert cfo.post("/api/bank/import/", {"file": upload}, format="multipart").status_code == 201
    BankStatement.objects.update(opening_balance=Decimal("1000.05"), closing_balance=Decimal("68332.23"))
    line = cfo.get("/api/bank/lines/").json()["results"][0]
    assert line["amount"] == "67332.18"
    listed = cfo.get("/api/bank/statements/").json()["results"][0]
    assert (listed["opening_balance"], listed["closing_balance"]) == ("1000.05", "68332.23")
