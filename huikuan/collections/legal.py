"""Legal cases (法务联动; 诉讼, 破产债权申报): writes. Each service is one transaction.

    legal_case_open(*, customer, invoices, opened_on, opened_by, lawyer="", agency=None, note="",
                    action=None) -> LegalCase
    legal_case_update(*, case, by, lawyer, agency, court, court_case_number, note) -> LegalCase
    legal_case_record(*, case, kind, occurred_on, by, text="", amount=None, court="",
                      court_case_number="") -> LegalCaseEvent
    legal_case_recovery_record(*, case, amount, received_on, by, reference="") -> LegalCaseEvent
    legal_document_add(*, case, name, content, by) -> LegalDocument
    legal_case_close(*, case, closed_on, by, note="") -> LegalCase
    legal_cases_open_for_run(*, token, run_date) -> int      # the ladder's legal step

One case is open per customer at a time: opening another adds the invoices to it (the
ladder's legal step, run after run, does so). Its stages::

    open ──→ filed ──→ judged ──→ enforcement ──→ closed
      │        │          └───────────────────────→ closed
      │        └──────────────────────────────────→ closed
      ├──→ bankruptcy claim filed (债权申报) ─────→ closed
      └───────────────────────────────────────────→ closed

A hearing is recorded while the case is filed (or later, on appeal); a judgment moves it to
judged, enforcement to enforcement; a bankruptcy claim may be filed from any stage before
the judgment is enforced. Costs, notes and recoveries may be recorded at any stage before
closing. A recovery is money received: it is posted as the customer's payment through the
ledger (applied to the case's invoices, oldest first, the rest on account), so the aging moves.
Closing decides the outcome from the figures: nothing recovered, recovered in full (no
invoice of the case open any more), or partly. A case closed with nothing recovered proposes
a write-off: ``huikuan.finance.legal_cases.legal_case_close`` does both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.collections.legal_models import (
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    CollectionAgency,
    LegalCase,
    LegalCaseEvent,
    LegalDocument,
)
from huikuan.collections.models import DunningAction
from huikuan.core.errors import ApplicationError, RuleViolation
from huikuan.core.money import is_whole_cents
from huikuan.ledger.imports.limits import check_file_size, import_limits
from huikuan.ledger.models import Customer, Invoice
from huikuan.ledger.receipts import Receipt, ReceiptPart, receipts_post

NUMBER_PREFIX = "LC-"

# Which stage may follow which (the stage events move a case along; closing is its own service).
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.FILED, CaseStatus.BANKRUPTCY_CLAIM, CaseStatus.CLOSED}),
    CaseStatus.FILED: frozenset({CaseStatus.JUDGED, CaseStatus.BANKRUPTCY_CLAIM, CaseStatus.CLOSED}),
    CaseStatus.JUDGED: frozenset({CaseStatus.ENFORCEMENT, CaseStatus.BANKRUPTCY_CLAIM, CaseStatus.CLOSED}),
    CaseStatus.ENFORCEMENT: frozenset({CaseStatus.BANKRUPTCY_CLAIM, CaseStatus.CLOSED}),
    CaseStatus.BANKRUPTCY_CLAIM: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}
# The stage each stage event moves the case to.
STAGE_OF_EVENT = {
    CaseEventKind.FILED: CaseStatus.FILED,
    CaseEventKind.JUDGMENT: CaseStatus.JUDGED,
    CaseEventKind.ENFORCEMENT: CaseStatus.ENFORCEMENT,
    CaseEventKind.BANKRUPTCY_CLAIM: CaseStatus.BANKRUPTCY_CLAIM,
}
# The stages a hearing may be recorded in (first instance, appeal, enforcement hearings).
HEARING_STAGES = frozenset({CaseStatus.FILED, CaseStatus.JUDGED, CaseStatus.ENFORCEMENT})
# The events a user records with ``legal_case_record`` (the others are the services' own).
RECORDED_KINDS = (
    CaseEventKind.FILED,
    CaseEventKind.HEARING,
    CaseEventKind.JUDGMENT,
    CaseEventKind.ENFORCEMENT,
    CaseEventKind.BANKRUPTCY_CLAIM,
    CaseEventKind.COST,
    CaseEventKind.NOTE,
)
# What a case's document may be: its first bytes and its usual name endings.
DOCUMENT_TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}


def _username(user) -> str:
    name = user if isinstance(user, str) else user.get_username()
    if not name:
        raise RuleViolation("who did it? a username is required")
    return name


def _positive_cents(amount: Decimal | None, what: str) -> Decimal:
    if not isinstance(amount, Decimal) or amount <= 0:
        raise RuleViolation(_("%(what)s must be a positive amount") % {"what": what})
    if not is_whole_cents(amount):
        raise RuleViolation(_("%(what)s has more than 2 decimal places") % {"what": what})
    return amount


def _status_label(status: str) -> str:
    return str(CaseStatus(status).label)


def case_move(case: LegalCase, target: str) -> None:
    """Refuse a stage that does not follow the case's current one (``TRANSITIONS``)."""
    if target not in TRANSITIONS[case.status]:
        raise RuleViolation(
            _("case %(case)s is %(status)s: it cannot become %(target)s")
            % {"case": case.number, "status": _status_label(case.status), "target": _status_label(target)}
        )


def _open_of(case_or_customer_invoices: Iterable[Invoice]) -> list[Invoice]:
    return [invoice for invoice in case_or_customer_invoices if invoice.closed_on is None]


def _next_number() -> str:
    last = LegalCase.objects.order_by("-id").values_list("number", flat=True).first()
    following = int(last.removeprefix(NUMBER_PREFIX)) + 1 if last else 1
    return f"{NUMBER_PREFIX}{following:06d}"


def _event(case: LegalCase, kind: str, on: date, by: str, text: str = "", **fields) -> LegalCaseEvent:
    return LegalCaseEvent.objects.create(
        case=case, kind=kind, occurred_on=on, recorded_by=by, text=text, **fields
    )


def _claim_of(invoices: Iterable[Invoice], currency: str) -> Decimal:
    return sum((invoice.open_amount for invoice in invoices if invoice.currency == currency), Decimal(0))


@transaction.atomic
def legal_case_open(
    *,
    customer: Customer,
    invoices: Iterable[Invoice],
    opened_on: date,
    opened_by,
    lawyer: str = "",
    agency: CollectionAgency | None = None,
    note: str = "",
    action: DunningAction | None = None,
) -> LegalCase:
    """Open a case on ``customer``'s open ``invoices``, or, when one is open, add to it those
    not yet in it (idempotent: the same invoices twice change nothing). The claim is the open
    balance of the invoices in the case's currency (that of its first invoice)."""
    by = _username(opened_by)
    invoices = sorted(invoices, key=lambda invoice: (invoice.invoice_date, invoice.number))
    for invoice in invoices:
        if invoice.customer_id != customer.pk:
            raise RuleViolation(
                _("invoice %(number)s is not customer %(code)s's")
                % {"number": invoice.number, "code": customer.code}
            )
    invoices = _open_of(invoices)
    if not invoices:
        raise RuleViolation(_("a legal case needs at least one open invoice of the customer"))
    Customer.objects.select_for_update().filter(pk=customer.pk).first()  # one opener at a time
    case = LegalCase.objects.filter(customer=customer).exclude(status=CaseStatus.CLOSED).first()
    if case is None:
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    case = LegalCase.objects.create(
                        number=_next_number(),
                        customer=customer,
                        currency=invoices[0].currency,
                        claim_amount=_claim_of(invoices, invoices[0].currency),
                        lawyer=lawyer.strip(),
                        agency=agency,
                        note=note.strip(),
                        opened_on=opened_on,
                        opened_by=by,
                        action=action,
                    )
                break
            except IntegrityError:  # a concurrent case took the number
                continue
        if case is None:
            raise ApplicationError("could not number the case; try again")
        case.invoices.add(*invoices)
        _event(case, CaseEventKind.OPENED, opened_on, by, ", ".join(invoice.number for invoice in invoices))
        return case
    already = set(case.invoices.values_list("pk", flat=True))
    added = [invoice for invoice in invoices if invoice.pk not in already]
    if added:
        case.invoices.add(*added)
        case.claim_amount += _claim_of(added, case.currency)
        case.save(update_fields=["claim_amount"])
        _event(
            case, CaseEventKind.INVOICES_ADDED, opened_on, by, ", ".join(invoice.number for invoice in added)
        )
    return case


@transaction.atomic
def legal_case_update(
    *,
    case: LegalCase,
    by,
    lawyer: str,
    agency: CollectionAgency | None,
    court: str,
    court_case_number: str,
    note: str,
) -> LegalCase:
    """Change who handles the case and where it is heard (not its stage nor its figures)."""
    _username(by)
    case = LegalCase.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise RuleViolation(_("case %(case)s is closed") % {"case": case.number})
    case.lawyer, case.agency, case.court = lawyer.strip(), agency, court.strip()
    case.court_case_number, case.note = court_case_number.strip(), note.strip()
    case.save(update_fields=["lawyer", "agency", "court", "court_case_number", "note"])
    return case


@transaction.atomic
def legal_case_record(
    *,
    case: LegalCase,
    kind: str,
    occurred_on: date,
    by,
    text: str = "",
    amount: Decimal | None = None,
    court: str = "",
    court_case_number: str = "",
) -> LegalCaseEvent:
    """Record a dated event on the case: its filing with the court (the court and its case
    number), a hearing, the judgment (the amount awarded, optional, and its words),
    enforcement, a bankruptcy claim filed (the amount claimed), a cost (its amount) or a note.
    A stage event moves the case along (``TRANSITIONS``); a dated event before the case was
    opened is refused."""
    username = _username(by)
    case = LegalCase.objects.select_for_update().get(pk=case.pk)
    if kind not in RECORDED_KINDS:
        raise RuleViolation(_("%(kind)s is not an event to record on a case") % {"kind": kind})
    if case.status == CaseStatus.CLOSED:
        raise RuleViolation(_("case %(case)s is closed") % {"case": case.number})
    if occurred_on < case.opened_on:
        raise RuleViolation(
            _("%(date)s is before the case was opened (%(opened)s)")
            % {"date": occurred_on, "opened": case.opened_on}
        )
    text = text.strip()
    fields: list[str] = []
    if kind == CaseEventKind.HEARING and case.status not in HEARING_STAGES:
        raise RuleViolation(
            _("a hearing is recorded once the case is filed with the court; case %(case)s is %(status)s")
            % {"case": case.number, "status": _status_label(case.status)}
        )
    if kind in (CaseEventKind.COST, CaseEventKind.BANKRUPTCY_CLAIM):
        amount = _positive_cents(amount, _("the amount"))
    elif kind == CaseEventKind.JUDGMENT and amount is not None:
        if amount < 0 or not is_whole_cents(amount):
            raise RuleViolation(_("the amount awarded must be a non-negative amount in cents"))
    elif kind != CaseEventKind.JUDGMENT:
        amount = None
    if kind == CaseEventKind.NOTE and not text:
        raise RuleViolation(_("a note needs its text"))
    if kind in STAGE_OF_EVENT:
        case_move(case, STAGE_OF_EVENT[kind])
        case.status = STAGE_OF_EVENT[kind]
        fields.append("status")
    if kind == CaseEventKind.FILED:
        if not court.strip():
            raise RuleViolation(_("filing with the court needs the court"))
        case.filed_on, case.court = occurred_on, court.strip()
        case.court_case_number = court_case_number.strip() or case.court_case_number
        fields += ["filed_on", "court", "court_case_number"]
    if kind == CaseEventKind.JUDGMENT:
        case.judgment_on, case.judgment_amount, case.judgment_text = occurred_on, amount, text
        fields += ["judgment_on", "judgment_amount", "judgment_text"]
    if fields:
        case.save(update_fields=fields)
    details = text
    if kind == CaseEventKind.FILED:
        details = " ".join(part for part in (court.strip(), court_case_number.strip(), text) if part)
    return _event(case, kind, occurred_on, username, details, amount=amount)


def case_totals(case: LegalCase) -> dict[str, Decimal]:
    """The case's costs and recoveries (sums of its events)."""
    sums = dict(
        LegalCaseEvent.objects.filter(case=case, kind__in=[CaseEventKind.COST, CaseEventKind.RECOVERY])
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    return {
        "costs": sums.get(CaseEventKind.COST) or Decimal(0),
        "recovered": sums.get(CaseEventKind.RECOVERY) or Decimal(0),
    }


def receipt_for(
    *,
    customer: Customer,
    invoices: list[Invoice],
    amount: Decimal,
    currency: str,
    on: date,
    reference: str,
    memo: str,
) -> Receipt:
    """A receipt of ``amount`` applied to ``invoices`` oldest first, each up to its open balance
    (those in ``currency``), the rest left on account."""
    parts, left = [], amount
    for invoice in sorted(invoices, key=lambda invoice: (invoice.due_date, invoice.number)):
        if left <= 0:
            break
        if invoice.currency != currency or invoice.open_amount <= 0:
            continue
        applied = min(left, invoice.open_amount)
        parts.append(ReceiptPart(invoice_number=invoice.number, amount=applied))
        left -= applied
    return Receipt(
        reference=reference,
        customer_id=customer.pk,
        payment_date=on,
        amount=amount,
        currency=currency,
        memo=memo,
        allocations=tuple(parts),
    )


def receipt_post(receipt: Receipt) -> None:
    """Post ``receipt`` through the ledger or refuse with the ledger's reason."""
    (posted,) = receipts_post(receipts=[receipt])
    if posted.refused is not None:
        raise posted.refused


@transaction.atomic
def legal_case_recovery_record(
    *, case: LegalCase, amount: Decimal, received_on: date, by, reference: str = ""
) -> LegalCaseEvent:
    """Money recovered through the case (paid by the debtor, collected on enforcement, a
    distribution of the bankruptcy estate): the customer's payment in the ledger, applied to
    the case's invoices oldest first, the rest on account; and the case's recovery event."""
    username = _username(by)
    case = LegalCase.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise RuleViolation(_("case %(case)s is closed") % {"case": case.number})
    amount = _positive_cents(amount, _("the amount recovered"))
    count = LegalCaseEvent.objects.filter(case=case, kind=CaseEventKind.RECOVERY).count()
    reference = reference.strip() or f"{case.number}-R{count + 1}"
    receipt_post(
        receipt_for(
            customer=case.customer,
            invoices=list(case.invoices.all()),
            amount=amount,
            currency=case.currency,
            on=received_on,
            reference=reference,
            memo=_("recovered through legal case %(case)s") % {"case": case.number},
        )
    )
    return _event(
        case, CaseEventKind.RECOVERY, received_on, username, amount=amount, payment_reference=reference
    )


def document_check(*, name: str, content: bytes) -> str:
    """The document's content type, or the reason it is refused (the import size limit; a
    PDF, JPEG or PNG file whose name says what it is)."""
    name = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if not content:
        raise RuleViolation(_("%(name)s: the file is empty") % {"name": name})
    try:
        check_file_size(len(content), import_limits(), file_name=name)
    except ApplicationError as refused:
        raise RuleViolation(refused.message) from refused
    for content_type, (magic, endings) in DOCUMENT_TYPES.items():
        if content.startswith(magic) and name.lower().endswith(endings):
            return content_type
    raise RuleViolation(_("%(name)s: a case's document is a PDF, JPEG or PNG file") % {"name": name})


@transaction.atomic
def legal_document_add(*, case: LegalCase, name: str, content: bytes, by) -> LegalDocument:
    """Store a file of the case (its timeline notes it)."""
    username = _username(by)
    content_type = document_check(name=name, content=content)
    name = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    document = LegalDocument(
        case=case,
        name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=username,
    )
    # The file is stored before the row: a failed transaction leaves an orphan file, never a
    # row without its file.
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    _event(case, CaseEventKind.DOCUMENT, timezone.localdate(document.uploaded_at), username, name)
    return document


def case_outcome(*, recovered: Decimal, invoices_open: int) -> str:
    """Nothing recovered, all of it (no invoice of the case open), or part of it."""
    if recovered <= 0:
        return CaseOutcome.NOTHING
    return CaseOutcome.RECOVERED if invoices_open == 0 else CaseOutcome.PARTLY


@transaction.atomic
def legal_case_close(*, case: LegalCase, closed_on: date, by, note: str = "") -> LegalCase:
    """Close the case; its outcome follows from what was recovered (``case_outcome``)."""
    username = _username(by)
    case = LegalCase.objects.select_for_update().get(pk=case.pk)
    case_move(case, CaseStatus.CLOSED)
    if closed_on < case.opened_on:
        raise RuleViolation(
            _("%(date)s is before the case was opened (%(opened)s)")
            % {"date": closed_on, "opened": case.opened_on}
        )
    recovered = case_totals(case)["recovered"]
    case.outcome = case_outcome(
        recovered=recovered, invoices_open=case.invoices.filter(closed_on__isnull=True).count()
    )
    case.status, case.closed_on, case.closed_by = CaseStatus.CLOSED, closed_on, username
    case.save(update_fields=["status", "outcome", "closed_on", "closed_by"])
    _event(
        case, CaseEventKind.CLOSED, closed_on, username, note.strip() or str(CaseOutcome(case.outcome).label)
    )
    return case


@transaction.atomic
def legal_case_write_off_noted(*, case: LegalCase, proposal_number: str) -> None:
    LegalCase.objects.filter(pk=case.pk).update(write_off_proposal=proposal_number)
    case.write_off_proposal = proposal_number


def legal_cases_open_for_run(*, token: int, run_date: date) -> int:
    """The ladder's legal step (a step that sends the case to legal): a case for each customer
    whose invoices took it in the run ``token``, or its invoices added to the case open.
    In the run's transaction; how many cases were opened or added to."""
    touched = 0
    actions = (
        DunningAction.objects.filter(token=token, case_to_legal=True)
        .select_related("customer")
        .order_by("customer_id", "id")
    )
    seen: set[int] = set()
    for action in actions:
        if action.customer_id in seen:
            continue
        seen.add(action.customer_id)
        invoices = Invoice.objects.filter(
            customer_id=action.customer_id, number__in=action.invoice_number_list
        )
        open_invoices = [invoice for invoice in invoices if invoice.closed_on is None]
        if not open_invoices:
            continue
        legal_case_open(
            customer=action.customer,
            invoices=open_invoices,
            opened_on=run_date,
            opened_by="dunning",
            action=action,
        )
        touched += 1
    return touched
