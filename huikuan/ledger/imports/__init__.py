"""``huikuan import KIND FILE``: the canonical import files of SPEC §3."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from huikuan.core.errors import InputRejected
from huikuan.ledger.events import customers_money_received
from huikuan.ledger.imports import credit_notes, customers, invoices, payments
from huikuan.ledger.imports.columns import ALLOCATION_COLUMNS, PAYMENT_COLUMNS
from huikuan.ledger.imports.pipeline import CappedErrors, ImportResult, load_mapping, parse_table
from huikuan.ledger.imports.reading import read_table
from huikuan.ledger.models import Allocation, CreditNote, ImportBatch, Invoice, Payment

KINDS = {
    "customers": (customers.COLUMNS, customers.plan),
    "invoices": (invoices.COLUMNS, invoices.plan),
    "payments": (PAYMENT_COLUMNS, payments.plan_payments),
    "allocations": (ALLOCATION_COLUMNS, payments.plan_allocations),
    "credit-notes": (credit_notes.COLUMNS, credit_notes.plan),
}


def register_import_kind(kind: str, columns: tuple, plan: Callable) -> None:
    """Let an app above the ledger add a kind of file (credit adds ``orders``): called by the
    function its AppConfig names in ``import_kinds``, run when this module is first imported."""
    KINDS[kind] = (columns, plan)


def _register_declared_kinds() -> None:
    for config in apps.get_app_configs():
        if registrar := getattr(config, "import_kinds", None):
            import_string(registrar)()


def ledger_import(
    *,
    kind: str,
    path: Path,
    mapping_path: Path | None = None,
    dry_run: bool = False,
    imported_by: str = "",
    progress: Callable[[str, int], None] | None = None,
) -> ImportResult:
    """Import one canonical file: all of it, or (on any bad row) none of it.

    Raises ``InputRejected`` listing the bad rows (the first ``MAX_ERRORS``, the rest
    counted), or naming the import limit a hostile file passes. Importing the same file again
    changes nothing; a changed row updates its record, and the audit trail keeps before and
    after. ``progress(stage, rows)`` is told how far it got: stage ``reading``, ``checking``
    or ``writing``.
    """
    report = progress or (lambda _stage, _rows: None)
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; one of {', '.join(KINDS)}")
    columns, plan_kind = KINDS[kind]
    mapping = load_mapping(mapping_path) if mapping_path else None
    table = read_table(path, progress=lambda rows: report("reading", rows))
    result = ImportResult(kind=kind, file_name=path.name, sha256=table.sha256, dry_run=dry_run)
    result.rows = len(table.rows)
    with transaction.atomic():
        report("checking", 0)
        parsed = parse_table(table, columns, mapping, progress=lambda rows: report("checking", rows))
        del table
        # With the list of errors already full, checking against the ledger would add only
        # errors nobody reads.
        plan = None if parsed.errors.full else plan_kind(parsed)
        if parsed.errors:
            raise _rejected(path.name, parsed.errors, checked=plan is not None)
        assert plan is not None
        report("writing", result.rows)
        result.created, result.updated, result.unchanged = plan.created, plan.updated, plan.unchanged
        result.warnings = plan.warnings
        if dry_run:
            return result
        batch = ImportBatch.objects.create(
            kind=kind,
            file_name=path.name,
            sha256=result.sha256,
            rows=result.rows,
            created=plan.created,
            updated=plan.updated,
            unchanged=plan.unchanged,
            imported_by=imported_by,
        )
        plan.write(batch.pk)
        result.batch_id = batch.pk
        if kind == "invoices":
            # The orders' advance receipts are offset against their new invoices (预收冲应收).
            from huikuan.ledger.advances import advances_offset_issued

            advances_offset_issued(
                invoices=Invoice.objects.filter(import_batch_id=batch.pk), offset_by=imported_by
            )
        if kind in _MONEY_KINDS:
            customers_money_received(
                customer_ids=_MONEY_KINDS[kind](batch.pk), on=timezone.localdate(), reason=kind
            )
    return result


def _paid_customers(batch_id: int) -> list[int]:
    return [
        *Payment.objects.filter(import_batch_id=batch_id).values_list("customer_id", flat=True).distinct(),
        *_allocated_customers(batch_id),
    ]


def _allocated_customers(batch_id: int) -> list[int]:
    return list(
        Allocation.objects.filter(import_batch_id=batch_id)
        .values_list("invoice__customer_id", flat=True)
        .distinct()
    )


def _credited_customers(batch_id: int) -> list[int]:
    return list(
        CreditNote.objects.filter(import_batch_id=batch_id).values_list("customer_id", flat=True).distinct()
    )


# Files whose money may free a customer's credit: the customers of the batch, for the listeners.
_MONEY_KINDS: dict[str, Callable[[int], list[int]]] = {
    "payments": _paid_customers,
    "allocations": _allocated_customers,
    "credit-notes": _credited_customers,
}


def _rejected(file_name: str, errors: CappedErrors, *, checked: bool) -> InputRejected:
    listed = sorted(errors, key=lambda e: e.line)
    if errors.total > len(listed):
        if checked:
            text = gettext(
                "%(file)s: %(total)s bad value(s); the first %(listed)s are listed; nothing was imported"
            )
        else:
            text = gettext(
                "%(file)s: at least %(total)s bad value(s); the first %(listed)s are listed; "
                "nothing was imported"
            )
        summary = text % {"file": file_name, "total": errors.total, "listed": len(listed)}
    else:
        summary = gettext("%(file)s: %(values)s bad value(s) in %(rows)s row(s); nothing was imported") % {
            "file": file_name,
            "values": len(listed),
            "rows": len({e.line for e in listed}),
        }
    return InputRejected(errors=listed, summary=summary)


# Last, once everything above is defined: the kinds of file the apps above the ledger declare.
_register_declared_kinds()
