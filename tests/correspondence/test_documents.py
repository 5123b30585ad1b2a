"""Letters and statements as PDFs with Chinese text and the font embedded; templates as data."""

from __future__ import annotations

import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from pypdf import PdfReader

from huikuan.core.audit import audit_context
from huikuan.core.errors import NotFound, RuleViolation
from huikuan.correspondence.defaults import EMAILS, LETTERS
from huikuan.correspondence.documents import document_render, pdf_render, statement_pdf
from huikuan.correspondence.models import DocumentTemplate, Letter
from huikuan.correspondence.notice_texts import default_templates as notice_templates
from huikuan.correspondence.services import document_template_update, letter_create, letterhead_update
from huikuan.statements.defaults import default_templates as statement_templates
from tests.correspondence.conftest import AS_OF, dunning_context


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def embedded_fonts(pdf: bytes) -> dict[str, list[str]]:
    """Each font's name and the FontFile* streams its descriptor carries."""
    fonts: dict[str, list[str]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor_owner = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descriptor_owner["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = [key for key in descriptor if key.startswith("/FontFile")]
    return fonts


@pytest.fixture
def letterhead(db):
    return letterhead_update(
        updated_by="test",
        company_name_zh="上海回款实业有限公司",
        company_name_en="Shanghai Huikuan Industrial Co., Ltd.",
        address="上海市浦东新区世纪大道1号",
        phone="021-5555 0000",
        bank_name="中国工商银行上海浦东支行",
        bank_account="1001 2345 6789 0000 123",
        signature="应收账款部 王经理",
    )


def test_every_default_template_is_seeded_in_chinese_and_english(db):
    seeded = set(DocumentTemplate.objects.values_list("code", "language"))
    codes = set(EMAILS) | set(LETTERS)
    assert codes >= {
        "email_pre_due",
        "email_lawyer",
        "letter_dunning",
        "letter_legal",
        "letter_lawyer",
        "statement",
    }
    # The statements app seeds its own texts (huikuan/statements/defaults.py) beside these.
    codes |= {row["code"] for row in statement_templates()}
    # So does credit, for the notices of its decisions (huikuan/correspondence/notice_texts.py).
    codes |= {row["code"] for row in notice_templates()}
    assert seeded == {(code, language) for code in codes for language in ("zh-hans", "en")}


def test_a_dunning_letter_pdf_reads_back_with_the_customer_amounts_invoices_and_bank(customers, letterhead):
    pdf = pdf_render(
        template_code="letter_dunning", language="zh-Hans", context=dunning_context(customers["hupan"])
    )
    text = pdf_text(pdf)
    assert "催款函" in text
    assert "致：杭州湖畔机电有限公司" in text
    assert "YS-0301" in text and "YS-0402" in text
    assert "YS-0410" not in text  # not yet due: not in a dunning letter
    assert "60,000.00" in text and "23,456.78" in text and "83,456.78" in text
    assert "中国工商银行上海浦东支行" in text and "1001 2345 6789 0000 123" in text
    assert "暂停向贵司发货" in text
    assert "2024年7月10日" in text  # the default deadline: 10 days after the letter's date


def test_the_letter_embeds_the_cjk_font(customers, letterhead):
    pdf = pdf_render(
        template_code="letter_legal", language="zh-hans", context=dunning_context(customers["hupan"])
    )
    fonts = embedded_fonts(pdf)
    cjk = [name for name in fonts if "WenQuanYi" in name or "DroidSansFallback" in name]
    assert cjk, fonts
    assert all(fonts[name] for name in fonts), fonts  # every font embedded, none only referenced


def test_the_statement_lists_open_items_as_of_the_date_with_ages_and_total(customers, letterhead):
    text = pdf_text(statement_pdf(customer=customers["hupan"], as_of=AS_OF))
    assert "对账单" in text
    assert "杭州湖畔机电有限公司" in text and "2024年6月30日" in text
    assert "YS-0301" in text and "YS-0402" in text and "YS-0410" in text
    assert "88,456.78" in text  # 60,000.00 + 23,456.78 + 5,000.00
    assert "56" in text and "10" in text  # days overdue of YS-0301 and YS-0402
    earlier = pdf_text(statement_pdf(customer=customers["hupan"], as_of=date(2024, 3, 31)))
    assert "YS-0301" in earlier and "YS-0402" not in earlier
    assert "100,000.00" in earlier


def test_an_english_customer_gets_an_english_statement(customers, letterhead):
    text = pdf_text(statement_pdf(customer=customers["lion"], as_of=AS_OF))
    assert "Statement of Account" in text
    assert "Lion City Trading Pte Ltd" in text and "INV-SG-7" in text and "10,000.00" in text


def test_letter_create_keeps_the_pdf_once_per_reference(customers, letterhead):
    context = dunning_context(customers["hupan"])
    letter = letter_create(
        customer=customers["hupan"],
        template_code="letter_lawyer",
        context=context,
        reference="HZ001:lawyer:2024-06-30",
    )
    again = letter_create(
        customer=customers["hupan"],
        template_code="letter_lawyer",
        context=context,
        reference="HZ001:lawyer:2024-06-30",
    )
    assert again.pk == letter.pk and Letter.objects.count() == 1
    assert letter.language == "zh-hans" and letter.subject == "律师函：杭州湖畔机电有限公司"
    assert "律师函" in pdf_text(bytes(letter.pdf))
    with pytest.raises(RuleViolation):
        letter_create(customer=customers["hupan"], template_code="email_due", context=context, reference="x")


def test_an_edited_template_changes_the_next_rendering_and_is_audited(
    customers, letterhead, django_user_model
):
    manager = django_user_model.objects.create_user("manager")
    template = DocumentTemplate.objects.get(code="email_first", language="zh-hans")
    with audit_context(actor=manager, source="test"):
        document_template_update(
            template=template,
            subject="【第一次提醒】{{ customer.name }}",
            body="{{ customer.name }}：请支付 {{ currency }} {{ total_open|money }}。",
            updated_by="manager",
        )
    rendered = document_render(
        template_code="email_first", language="zh-hans", context=dunning_context(customers["hupan"])
    )
    assert rendered.subject == "【第一次提醒】杭州湖畔机电有限公司"
    assert rendered.text == "杭州湖畔机电有限公司：请支付 CNY 83,456.78。\n"
    entry = LogEntry.objects.get_for_object(template).latest("timestamp")
    assert entry.actor == manager
    assert (
        "subject" in entry.changes_dict
        and entry.changes_dict["subject"][1] == "【第一次提醒】{{ customer.name }}"
    )


def test_a_template_that_does_not_compile_is_refused(db):
    template = DocumentTemplate.objects.get(code="letter_dunning", language="en")
    with pytest.raises(RuleViolation, match="template error"):
        document_template_update(template=template, subject="x", body="{% if %}", updated_by="x")
    with pytest.raises(RuleViolation):
        document_template_update(
            template=template, subject="x", body='{% include "web/base.html" %}', updated_by="x"
        )
        document_render(template_code="letter_dunning", language="en", context={})


def test_templates_see_plain_values_only_and_html_is_escaped(customers, letterhead):
    customer = customers["lion"]
    customer.name = "<b>Lion</b> & Co"
    template = DocumentTemplate.objects.get(code="letter_dunning", language="en")
    document_template_update(
        template=template,
        subject="{{ customer.name }}",
        body=(
            "<p>{{ customer.name }}|{{ customer.delete }}|{{ customer.invoices }}|"
            "{{ letterhead.bank_name }}</p>"
        ),
        updated_by="x",
    )
    rendered = document_render(
        template_code="letter_dunning", language="en", context=dunning_context(customer)
    )
    assert rendered.html == "<p>&lt;b&gt;Lion&lt;/b&gt; &amp; Co|||中国工商银行上海浦东支行</p>"
    assert rendered.subject == "<b>Lion</b> & Co"


def test_a_missing_language_falls_back_to_chinese_and_an_unknown_code_is_not_found(customers):
    DocumentTemplate.objects.filter(code="email_due", language="en").delete()
    rendered = document_render(
        template_code="email_due", language="en", context=dunning_context(customers["lion"])
    )
    assert rendered.language == "zh-hans" and "到期" in rendered.subject
    with pytest.raises(NotFound):
        document_render(template_code="no_such_letter", language="en", context={})
