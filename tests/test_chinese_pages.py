"""The Chinese interface is Chinese: every main page, rendered in zh-Hans over the demo
company after a few dunning runs, a monthly evaluation and some orders, shows no English
word other than codes, names and units; no user-facing text cites the SPEC; every choice
label has its translation; import errors read in the user's language."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.utils import translation

PACKAGE = Path(__file__).resolve().parent.parent / "huikuan"
AS_OF = date(2026, 3, 31)

# Codes, units and names that stay as they are in a Chinese page.
ALLOWED = {
    "CNY", "USD", "EUR", "HKD", "JPY", "GBP", "PDF", "CSV", "XLSX", "XLS", "ODS", "API", "SMS", "CFO",
    "UTF", "GBK", "GB18030", "ISO", "YYYY", "Excel", "Huikuan", "English", "Altman", "admin",
    "DSO", "CEI", "ADD", "LPR",
    "SO-", "AP-", "LC-", "WO-", "YS", "JPEG", "PNG", "HH:MM", "UTF-", "Django",
    # The receivables measures known by these abbreviations in Chinese too, and keys on a keyboard.
    "Enter", "Esc",
    # Bank statement formats: their own names.
    "ISO 20022 camt.053", "ISO 20022 camt.054",
}  # fmt: skip
# The variables a document template may use, named on the template page.
TEMPLATE_VARIABLES = {
    "customer", "code", "name", "address", "invoices", "number", "invoice_date", "due_date", "amount",
    "open_amount", "currency", "days_overdue", "total_open", "as_of", "deadline", "consequences", "step",
    "letterhead", "money",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z_\-]{2,}")


class _VisibleText(HTMLParser):
    """The text a reader sees: text nodes and the attributes read aloud or shown on hover."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        # <code> holds what a user types or a file contains (column names, accepted values):
        # codes, in whatever language the page is.
        if tag in ("script", "style", "code"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def _words(*texts) -> set[str]:
    return {word for text in texts if text for word in WORD.findall(str(text))}


def data_words() -> set[str]:
    """Words that come from the data (names, numbers, usernames, emails, stored templates in
    English): a page may show them in any language."""
    from django.contrib.auth import get_user_model

    from huikuan.collections.models import DunningAction, DunningStep
    from huikuan.core.policy import policy_values
    from huikuan.correspondence.models import DocumentTemplate
    from huikuan.credit.models import Order
    from huikuan.ledger.models import Customer, Invoice, Payment

    words = set()
    for row in Customer.objects.values_list(
        "code", "name", "email", "salesperson", "collector", "department"
    ):
        words |= _words(*row)
    words |= _words(*Invoice.objects.values_list("number", flat=True))
    words |= _words(*Payment.objects.values_list("reference", "payer_name"))
    from huikuan.cash.models import BankLine

    for row in BankLine.objects.values_list("bank_ref", "payer_name", "payer_account", "memo", "decided_by"):
        words |= _words(*row)
    for row in Order.objects.values_list("number", "shipment_approval_number"):
        words |= _words(*row)
    from huikuan.finance.models import Payable

    words |= _words(*Payable.objects.values_list("supplier_code", flat=True))
    from huikuan.ledger.models import WriteOff

    words |= _words(*WriteOff.objects.values_list("approved_by", flat=True))
    words |= _words(*get_user_model().objects.values_list("username", flat=True))
    words |= _words(*DunningAction.objects.values_list("delivery_note", "assigned_to"))
    words |= _words(*DunningStep.objects.values_list("email_template", "letter_template", "name_en"))
    for row in DocumentTemplate.objects.values_list("code", "name", "subject", "body", "updated_by"):
        words |= _words(*row)
    # Settings whose values are usernames (who gets the collections team's actions…).
    words |= _words(*(value for value in policy_values().values() if isinstance(value, str)))
    return words


@pytest.fixture
def demo_company(db, tmp_path):
    """The demo company as of 31 March 2026, after five days of dunning runs, a monthly
    evaluation sent for approval and a few orders checked, with a credit manager."""
    from huikuan.accounts.services import user_create
    from huikuan.ledger.demo import demo_load
    from huikuan.ledger.models import Customer

    demo_load(invoices=500, as_of=AS_OF)
    manager = user_create(username="demo.manager", role="credit_manager", password="Huikuan-test-pw-1").user
    for day in ("2026-03-20", "2026-03-25", "2026-03-30", "2026-03-31"):
        call_command("dunning", "run", "--date", day, stdout=open(tmp_path / "out.txt", "w"))
    call_command(
        "credit", "evaluate", "--period", "2026-02", "--apply", "--requested-by", "demo.manager",
        stdout=open(tmp_path / "out.txt", "w"),
    )  # fmt: skip
    codes = list(Customer.objects.order_by("code").values_list("code", flat=True))
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_number,customer_code,order_date,amount,currency\n"
        + "".join(f"SO-{n:04d},{code},2026-03-31,250000.00,CNY\n" for n, code in enumerate(codes[::5]))
    )
    call_command("import", "orders", str(orders), stdout=open(tmp_path / "out.txt", "w"))
    return manager


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["huikuan_language"] = "zh-hans"
    return client


def main_pages() -> list[str]:
    from huikuan.approvals.models import ApprovalRequest
    from huikuan.collections.models import DunningAction, LegalCase
    from huikuan.correspondence.models import DocumentTemplate
    from huikuan.credit.models import Order
    from huikuan.finance.models import WriteOffProposal
    from huikuan.ledger.models import Invoice
    from huikuan.statements.models import AccountStatement

    action = DunningAction.objects.filter(channel="phone").select_related("customer").first()
    code = action.customer.code
    invoice = Invoice.objects.filter(customer__code=code).first().number
    approval = ApprovalRequest.objects.order_by("-pk").first().number
    order = Order.objects.order_by("number").first().number
    template = DocumentTemplate.objects.order_by("pk").first().pk
    write_offs = WriteOffProposal.objects.values_list("number", flat=True)[:1]
    statements = AccountStatement.objects.values_list("reference", flat=True)[:1]
    legal_cases = LegalCase.objects.values_list("number", flat=True)[:1]
    return [
        "/",
        "/customers/",
        f"/customers/{code}/",
        "/invoices/",
        f"/invoices/{invoice}/",
        "/payments/",
        f"/aging/?as_of={AS_OF}&by=department&basis=due",
        "/import/",
        "/approvals/",
        "/approvals/chains/",
        f"/approvals/{approval}/",
        "/credit/",
        "/credit/settings/",
        f"/credit/customers/{code}/",
        "/credit/orders/",
        f"/credit/orders/{order}/",
        f"/worklist/?date={AS_OF}",
        f"/collections/customers/{code}/",
        "/collections/policies/",
        "/collections/runs/",
        "/collections/reports/",
        "/correspondence/templates/",
        f"/correspondence/templates/{template}/",
        "/correspondence/letterhead/",
        "/cash/",
        "/kpis/",
        "/warnings/?status=",
        *[f"/write-offs/{number}/" for number in write_offs],
        *[f"/statements/{reference}/" for reference in statements],
        "/scorecards/",
        "/scorecards/rules/",
        "/reports/",
        f"/reports/daily/?day={AS_OF}",
        f"/reports/weekly/?day={AS_OF}",
        "/reports/monthly/?month=2026-03",
        f"/reports/special/?customer={code}&day={AS_OF}",
        "/reports/annual/?year=2026",
        "/legal/",
        *[f"/legal/cases/{number}/" for number in legal_cases],
    ]


def import_vocabulary() -> set[str]:
    """What an import file contains, shown on the import page as codes: the kinds, column names,
    accepted values, the date pattern and the documentation's file name."""
    from huikuan.cash.profiles import BUILTIN
    from huikuan.ledger.imports import help as import_help

    words = {"YYYY-MM-DD", "docs", "imports"}
    # Bank statement formats (proper names) and the built-in bank profiles' names.
    words |= {"SWIFT", "BAI", "OFX", "QFX", "camt", *BUILTIN}
    for kind in import_help.kinds():
        words |= _words(kind)
        for column in import_help.columns_of(kind):
            _, facts = getattr(column.parse, "format", ("text", {}))
            words |= _words(column.name, *facts.get("values", ()), *facts.get("synonyms", ()))
            words |= _words(*facts.get("accepted", ()))
    return words


def english_words(html: str, allowed: set[str]) -> set[str]:
    return {word for word in WORD.findall(visible_text(html)) if word not in allowed}


def test_every_main_page_in_chinese_shows_no_english_words_but_codes_and_names(demo_company):
    client = _client(demo_company)
    allowed = ALLOWED | data_words() | import_vocabulary()
    found = {}
    for page in main_pages():
        response = client.get(page)
        assert response.status_code == 200, page
        words = english_words(response.content.decode(), allowed)
        if page.startswith("/correspondence/templates/") and page != "/correspondence/templates/":
            words -= TEMPLATE_VARIABLES
        if words:
            found[page] = sorted(words)
    # The worklist is the collector's own: see it as the collector with the most tasks.
    from django.contrib.auth import get_user_model

    from huikuan.accounts.services import user_create
    from huikuan.collections.models import DunningAction

    collector = (
        DunningAction.objects.filter(channel="phone", action_date=AS_OF)
        .values_list("assigned_to", flat=True)
        .first()
    )
    if collector:
        user = get_user_model().objects.filter(username=collector).first() or (
            user_create(username=collector, role="collector", password="Huikuan-test-pw-1").user
        )
        words = english_words(_client(user).get(f"/worklist/?date={AS_OF}").content.decode(), allowed)
        if words:
            found["/worklist/ (collector)"] = sorted(words)
    assert not found, f"English words on Chinese pages: {found}"

    # The business settings are named in Chinese, never by their keys, sub-keys included.
    from huikuan.core.policy import policy_defaults

    text = visible_text(client.get("/credit/settings/").content.decode())
    shown = [key for key in policy_defaults() if key in text]
    assert not shown, f"settings shown by their raw keys: {shown}"
    for words in ("收入贡献度得分", "高风险", "世界 500 强"):  # sub-keys: scores, segments, positions
        assert words in text


@pytest.fixture
def credit_manager(db):
    from huikuan.accounts.services import user_create

    return user_create(username="demo.manager", role="credit_manager", password="Huikuan-test-pw-1").user


def test_a_bad_import_in_chinese_lists_its_errors_in_chinese(credit_manager):
    bad = SimpleUploadedFile(
        "bad.csv",
        b"invoice_number,customer_code,invoice_date,amount,currency\nX-1,NOPE,2026-13-01,12.345,US\n",
        content_type="text/csv",
    )
    response = _client(credit_manager).post("/import/", {"kind": "invoices", "file": bad})
    assert response.status_code == 422
    text = visible_text(response.content.decode())
    assert "未导入任何数据" in text
    assert "不是 ISO 4217 币种代码" in text
    assert "不是 YYYY-MM-DD 格式的日期" in text
    assert "nothing was imported" not in text
    assert "not an ISO 4217" not in text


def test_the_cli_words_import_errors_in_english_unless_language_asks_for_chinese(db, tmp_path, monkeypatch):
    from huikuan.cli.output import cli_language

    monkeypatch.delenv("LANGUAGE", raising=False)
    assert cli_language() == "en"
    monkeypatch.setenv("LANGUAGE", "zh_CN:en")
    assert cli_language() == "zh-hans"
    monkeypatch.setenv("LANGUAGE", "en_GB:zh_CN")
    assert cli_language() == "en"


def _po_files() -> list[Path]:
    return sorted(PACKAGE.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))


def test_no_user_facing_text_cites_the_spec():
    cited = []
    for po in _po_files():
        for number, line in enumerate(po.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith(("msgid", "msgstr", '"')) and ("SPEC" in line or "§" in line):
                cited.append(f"{po.relative_to(PACKAGE)}:{number}: {line}")
    for template in sorted(PACKAGE.rglob("templates/**/*.html")) + sorted(
        PACKAGE.rglob("templates/**/*.txt")
    ):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if "SPEC §" in line:
                cited.append(f"{template.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not cited, "document references in user-facing text:\n" + "\n".join(cited)


def test_the_hold_reason_of_the_dunning_run_cites_no_document():
    from huikuan.collections.run import HOLD_REASON

    assert "SPEC" not in HOLD_REASON and "§" not in HOLD_REASON
    with translation.override("zh-hans"):
        assert translation.gettext(HOLD_REASON) == "催收阶梯的法律步骤"


def _choice_labels() -> list[tuple[str, str]]:
    labels = []
    for model in apps.get_models():
        if not model.__module__.startswith("huikuan."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and field.choices:
                for _value, label in field.flatchoices:
                    labels.append((f"{model.__name__}.{field.name}", label))
    return labels


def test_every_choice_label_has_its_chinese_translation():
    untranslated = []
    for where, label in _choice_labels():
        with translation.override("en"):
            english = str(label)
        with translation.override("zh-hans"):
            chinese = str(label)
        # A code such as a class letter or "SMS", or a language's own name, may stay as it is.
        if chinese == english and WORD.search(english) and not english.isupper() and english not in ALLOWED:
            untranslated.append(f"{where}: {english}")
    assert not untranslated, f"choice labels without Chinese: {untranslated}"


@pytest.mark.parametrize(
    ("label", "chinese"),
    [
        (("action status", "open"), "未完成"),
        (("promise status", "open"), "进行中"),
        (("order status", "open"), "未完成"),
        (("channel", "email"), "邮件"),
        (("email", "Subject"), "主题"),
    ],
)
def test_open_statuses_the_email_channel_and_the_subject_read_right(label, chinese):
    with translation.override("zh-hans"):
        assert translation.pgettext(*label) == chinese
