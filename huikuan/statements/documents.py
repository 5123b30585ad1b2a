"""A statement as the customer reads it: PDF (the correspondence app's renderer, the CJK font
embedded), XLSX (the safe writer) and the email, all in the statement's language.

The texts are document templates (``statement_templates_install`` seeds the defaults) that an
admin edits on the templates page like the dunning letters.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huikuan.core.exports import XLSX_CONTENT_TYPE, Column, Sheet, xlsx_bytes
from huikuan.correspondence.documents import RenderedDocument, document_pdf, document_render
from huikuan.statements.models import AccountStatement, LineKind, StatementKind

PDF_TYPE = "application/pdf"
XLSX_TYPE = XLSX_CONTENT_TYPE
LETTER_TEMPLATE = {
    StatementKind.ACCOUNT: "account_statement",
    StatementKind.CONFIRMATION: "balance_confirmation",
}
EMAIL_TEMPLATE = {
    StatementKind.ACCOUNT: "account_statement_email",
    StatementKind.CONFIRMATION: "balance_confirmation_email",
}
_FIGURES = ("opening_balance", "invoiced", "received", "credited", "written_off", "closing_balance")


def statement_made_on(statement: AccountStatement) -> date:
    return timezone.localdate(statement.created_at) if statement.created_at else timezone.localdate()


def statement_context(statement: AccountStatement) -> dict:
    """What the templates see: plain values only, line kinds named in the statement's language."""
    with translation.override(statement.language):
        kinds = {value: str(label) for value, label in LineKind.choices}
    return {
        "customer": statement.customer,
        "statement": {
            "reference": statement.reference,
            "kind": statement.kind,
            "period_start": statement.period_start,
            "period_end": statement.period_end,
            "currency": statement.currency,
            **{figure: getattr(statement, figure) for figure in _FIGURES},
        },
        "lines": [
            {
                "position": line.position,
                "entry_date": line.entry_date,
                "kind": line.kind,
                "kind_label": kinds.get(line.kind, line.kind),
                "reference": line.reference,
                "description": line.description,
                "due_date": line.due_date,
                "amount": line.amount,
                "balance": line.balance,
            }
            for line in statement.lines.all()
        ],
        "as_of": statement_made_on(statement),
        "deadline": None,
    }


def file_name(statement: AccountStatement, extension: str) -> str:
    return f"{statement.reference}.{extension}"


def statement_pdf(statement: AccountStatement) -> bytes:
    """The statement (or confirmation) as PDF, under the letterhead."""
    document = document_render(
        template_code=LETTER_TEMPLATE[statement.kind],
        language=statement.language,
        context=statement_context(statement),
    )
    return document_pdf(document=document)


def statement_email(
    statement: AccountStatement, *, answer_url: str, link_expires: datetime
) -> RenderedDocument:
    """The email carrying the statement and its answer link."""
    context = statement_context(statement) | {
        "answer_url": answer_url,
        "link_expires": timezone.localtime(link_expires).date(),
    }
    return document_render(
        template_code=EMAIL_TEMPLATE[statement.kind], language=statement.language, context=context
    )


def statement_sheet(statement: AccountStatement) -> Sheet:
    """The statement as a table: the opening balance, its lines, the closing balance."""
    with translation.override(statement.language):
        kinds = {value: str(label) for value, label in LineKind.choices}
        columns = [
            Column(_("Date"), "date"),
            Column(_("Type")),
            Column(_("Reference")),
            Column(_("Description")),
            Column(_("Due date"), "date"),
            Column(_("Amount (%(currency)s)") % {"currency": statement.currency}, "money"),
            Column(_("Balance"), "money"),
        ]
        opening = [
            statement.period_start,
            _("Opening balance"),
            "",
            "",
            None,
            None,
            statement.opening_balance,
        ]
        closing = [statement.period_end, _("Closing balance"), "", "", None, None, statement.closing_balance]
    rows = [opening] if statement.kind == StatementKind.ACCOUNT else []
    rows += [
        [
            line.entry_date,
            kinds.get(line.kind, line.kind),
            line.reference,
            line.description,
            line.due_date,
            line.amount,
            line.balance,
        ]
        for line in statement.lines.all()
    ]
    rows.append(closing)
    bold = {len(rows) - 1} | ({0} if statement.kind == StatementKind.ACCOUNT else set())
    return Sheet(title=statement.reference, columns=columns, rows=rows, bold_rows=bold)


def statement_xlsx(statement: AccountStatement) -> bytes:
    return xlsx_bytes(statement_sheet(statement))
