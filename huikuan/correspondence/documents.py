"""Rendering texts and PDFs from the editable templates.

The templates are data an admin edits, so they run in a sandboxed engine: Django's template
language with no loaders (no ``include``/``extends`` of files), no tag libraries beyond the
built-ins and ``money``, and a context of plain values only (a ``Customer`` becomes a
dict), so a template can read what it is given and nothing else. HTML is autoescaped.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from django.template import Context, Engine, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone, translation
from django.utils.html import linebreaks, strip_tags

from huikuan.core.errors import NotFound, RuleViolation
from huikuan.core.policy import policy_value
from huikuan.correspondence import pdf
from huikuan.correspondence.models import DocumentTemplate, Letterhead, StatementPdf, TemplateKind
from huikuan.ledger.models import Customer, Language

DEFAULT_LANGUAGE = Language.ZH_HANS
_FILTERS = "huikuan.correspondence.filters"
# Kept statements of days before the last this many are deleted when a new one is kept.
STATEMENT_KEEP_DAYS = 1


def _engine(*, autoescape: bool) -> Engine:
    return Engine(
        loaders=[("django.template.loaders.locmem.Loader", {})],
        builtins=[_FILTERS],
        libraries={},
        autoescape=autoescape,
        string_if_invalid="",
    )


_TEXT_ENGINE = _engine(autoescape=False)
_HTML_ENGINE = _engine(autoescape=True)

# Rows read once per block of documents_cached() (one delivery chunk), else on every call.
_block_cache: ContextVar[dict | None] = ContextVar("huikuan_documents_cached", default=None)
_T = TypeVar("_T")


@contextmanager
def documents_cached() -> Iterator[None]:
    """Within the block, the templates, the letterhead and the payment days are read from the
    database once: a delivery chunk renders many documents from the same rows. An edit made
    meanwhile is seen by the next block."""
    token = _block_cache.set({})
    try:
        yield
    finally:
        _block_cache.reset(token)


def _cached(key: tuple, load: Callable[[], _T]) -> _T:
    cache = _block_cache.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


@lru_cache(maxsize=512)
def _compiled(autoescape: bool, source: str) -> Template:
    """A template's source compiled once per process (compiling costs more than rendering)."""
    return (_HTML_ENGINE if autoescape else _TEXT_ENGINE).from_string(source)


@dataclass(frozen=True)
class RenderedDocument:
    code: str
    language: str
    kind: str
    subject: str
    text: str
    html: str


def language_code(language: str | None) -> str:
    """``zh-Hans``, ``zh_CN``, ``zh`` → "zh-hans"; ``en-GB`` → "en"; None → the default."""
    if not language:
        return DEFAULT_LANGUAGE
    normalised = language.strip().lower().replace("_", "-")
    if normalised.startswith("zh"):
        return Language.ZH_HANS
    if normalised.startswith("en"):
        return Language.EN
    raise RuleViolation(f"no letters in language {language!r}: use zh-hans or en")


def template_check(*, subject: str, body: str, kind: str) -> None:
    """Refuse a template that does not compile, with the engine's message."""
    try:
        _TEXT_ENGINE.from_string(subject)
        (_HTML_ENGINE if kind == TemplateKind.LETTER else _TEXT_ENGINE).from_string(body)
    except TemplateSyntaxError as error:
        raise RuleViolation(f"template error: {error}") from None


def document_template(*, template_code: str, language: str) -> DocumentTemplate:
    """The template in ``language``, else in the default language."""
    wanted = language_code(language)
    if _block_cache.get() is None:
        found = {t.language: t for t in DocumentTemplate.objects.filter(code=template_code)}
    else:  # a block renders many documents: every template read at once (a few dozen rows)
        found = _cached(("templates",), _all_templates).get(template_code, {})
    template = found.get(wanted) or found.get(DEFAULT_LANGUAGE) or next(iter(found.values()), None)
    if template is None:
        raise NotFound(f"no document template {template_code!r}")
    return template


# The company's details on every letter and statement, as the letterhead editor changes them.
LETTERHEAD_FIELDS = (
    "company_name_zh",
    "company_name_en",
    "address",
    "phone",
    "email",
    "bank_name",
    "bank_account",
    "tax_id",
    "signature",
)


def _all_templates() -> dict[str, dict[str, DocumentTemplate]]:
    templates: dict[str, dict[str, DocumentTemplate]] = {}
    for template in DocumentTemplate.objects.all():
        templates.setdefault(template.code, {})[template.language] = template
    return templates


def letterhead_values() -> dict[str, str]:
    return dict(_cached(("letterhead",), _letterhead_values))


def _letterhead_values() -> dict[str, str]:
    letterhead = Letterhead.objects.filter(pk=1).first() or Letterhead()
    return {field: getattr(letterhead, field) for field in LETTERHEAD_FIELDS}


def _customer_values(customer: Customer) -> dict[str, str]:
    return {
        "code": customer.code,
        "name": customer.name,
        "address": customer.address,
        "email": customer.email,
        "phone": customer.phone,
        "currency": customer.currency,
        "language": customer.language,
    }


_PLAIN = (str, int, Decimal, date, datetime, bool, type(None))


def _plain(value: Any) -> Any:
    """Only plain values reach a template: no model instance, manager or method."""
    if isinstance(value, Customer):
        return _customer_values(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, _PLAIN):
        return value
    return str(value)


def _full_context(context: dict) -> dict:
    full = dict(context)
    as_of = full.get("as_of")
    if "deadline" not in full and isinstance(as_of, date):
        days = _cached(("policy", "LETTER_PAYMENT_DAYS"), lambda: policy_value("LETTER_PAYMENT_DAYS"))
        full["deadline"] = as_of + timedelta(days=days)
    full["letterhead"] = letterhead_values()
    return _plain(full)


def _collapse(text: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _render(engine: Engine, source: str, values: dict) -> str:
    return _compiled(engine.autoescape, source).render(Context(values, autoescape=engine.autoescape))


def document_render(*, template_code: str, language: str, context: dict) -> RenderedDocument:
    """Subject, plain text and HTML of a template, rendered in ``language`` (dates, month names)."""
    template = document_template(template_code=template_code, language=language)
    values = _full_context(context)
    with translation.override(template.language):
        try:
            subject = " ".join(_render(_TEXT_ENGINE, template.subject, values).split())
            if template.kind == TemplateKind.LETTER:
                html = _render(_HTML_ENGINE, template.body, values)
                lines = re.sub(r"<br\s*/?>|</(p|tr|h1|h2|li)>", "\n", html)
                text = _collapse(strip_tags(re.sub(r"</t[dh]>", "  ", lines)))
            else:
                rendered = _render(_TEXT_ENGINE, template.body, values)
                text = re.sub(r"\n{3,}", "\n\n", rendered).strip() + "\n"
                escaped = _render(_HTML_ENGINE, template.body, values).strip()
                html = f'<div lang="{template.language}">{linebreaks(escaped)}</div>'
        except (TemplateSyntaxError, TemplateDoesNotExist) as error:
            # A template reaching for a file (include, extends) finds none: the engine has no loaders.
            raise RuleViolation(f"template {template} cannot be rendered: {error}") from None
    return RenderedDocument(
        code=template.code,
        language=template.language,
        kind=template.kind,
        subject=subject,
        text=text,
        html=html,
    )


def document_pdf(*, document: RenderedDocument) -> bytes:
    """A letter (or statement) as PDF: the letterhead, then the rendered body, the CJK font embedded."""
    return pdf.document_pdf(
        subject=document.subject,
        html=document.html,
        letterhead=letterhead_values(),
        language=document.language,
    )


def pdf_render(*, template_code: str, language: str, context: dict) -> bytes:
    """A letter as PDF, with the CJK font embedded."""
    return document_pdf(
        document=document_render(template_code=template_code, language=language, context=context)
    )


def statement_context(*, customer: Customer, as_of: date) -> dict:
    from huikuan.correspondence.selectors import customer_open_items, open_items_total

    invoices = customer_open_items(customer=customer, as_of=as_of)
    total, currency = open_items_total(invoices)
    return {
        "customer": customer,
        "invoices": invoices,
        "total_open": total,
        "currency": currency if invoices else customer.currency,
        "as_of": as_of,
        "step": "statement",
        "deadline": None,
    }


def _statements_prune(as_of: date) -> bool:
    StatementPdf.objects.filter(as_of__lt=as_of - timedelta(days=STATEMENT_KEEP_DAYS)).delete()
    return True


def statement_pdf(*, customer: Customer, as_of: date, language: str | None = None) -> bytes:
    """The statement of account (对账单): the open items at the end of ``as_of``, their ages and total.

    Rendered once per customer, day and language and kept (``StatementPdf``): every email of
    the customer that day attaches the same bytes. The text is rendered each time (a few ms)
    and hashed with the letterhead; when it differs from the kept one (a new invoice, a
    payment, an edited template or letterhead), the PDF is rendered again and replaces it.
    """
    document = document_render(
        template_code="statement",
        language=language or customer.language,
        context=statement_context(customer=customer, as_of=as_of),
    )
    letterhead = letterhead_values()
    digest = hashlib.sha256(
        json.dumps(
            [pdf.RENDERER_VERSION, document.code, document.subject, document.html, letterhead],
            ensure_ascii=False,
        ).encode()
    ).hexdigest()
    kept = StatementPdf.objects.filter(customer=customer, as_of=as_of, language=document.language)
    found = kept.values_list("content_sha256", "pdf").first()
    if found is not None and found[0] == digest:
        return bytes(found[1])
    content = pdf.document_pdf(
        subject=document.subject, html=document.html, letterhead=letterhead, language=document.language
    )
    if found is None:
        # Another worker may have rendered it meanwhile: the same content, kept once.
        StatementPdf.objects.bulk_create(
            [
                StatementPdf(
                    customer=customer,
                    as_of=as_of,
                    language=document.language,
                    content_sha256=digest,
                    pdf=content,
                )
            ],
            ignore_conflicts=True,
        )
        # Older days pruned (once per block of documents_cached()).
        _cached(("statements pruned", as_of), lambda: _statements_prune(as_of))
    else:
        kept.update(content_sha256=digest, pdf=content, rendered_at=timezone.now())
    return content
