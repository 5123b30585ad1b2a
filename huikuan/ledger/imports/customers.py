"""Importing customers (SPEC §3 ``customers``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from huikuan.core.money import to_minor_units
from huikuan.core.policy import policy_value
from huikuan.ledger.bulk import bulk_insert_rows
from huikuan.ledger.fields import CUSTOMER_FIELDS
from huikuan.ledger.imports.columns import CUSTOMER_COLUMNS
from huikuan.ledger.imports.pipeline import (
    ParsedFile,
    Plan,
    changed_fields,
    check_unique,
    fetch_by_keys,
    functional_currency,
    now_for_db,
    save_changes,
)
from huikuan.ledger.models import Customer, CustomerStatus
from huikuan.ledger.services import granted_term_days, terms_beyond_class, terms_mode
from huikuan.ledger.terms import terms_within_class

COLUMNS = CUSTOMER_COLUMNS
# File column → model field; every other column has the field's own name.
_FIELDS = [*CUSTOMER_FIELDS, "language"]


def plan(parsed: ParsedFile) -> Plan:
    functional = functional_currency()
    check_unique(parsed, lambda r: r.values.get("customer_code"), "customer_code", "customer_code")
    existing = fetch_by_keys(
        Customer,
        "code",
        (r.values.get("customer_code") for r in parsed.rows),
        ["id", "code", "name", *_FIELDS],
    )
    result = Plan()
    creates: list[dict] = []
    updates: list[tuple[int, dict]] = []
    by_class, mode = policy_value("TERM_DAYS_BY_CLASS"), terms_mode()
    granted = granted_term_days(
        customer_ids=[old["id"] for old in existing.values()], on=timezone.localdate()
    )
    for row in parsed.rows:
        values = row.values
        if "customer_code" not in values or "name" not in values:
            continue
        old = existing.get(values["customer_code"])
        extra = granted.get(old["id"], 0) if old is not None else 0
        if not _terms_follow_class(parsed, row, old, (by_class, extra), mode, result.warnings):
            continue
        record = {"name": values["name"], **{f: values[f] for f in _FIELDS if f in values}}
        if old is None:
            creates.append({"code": values["customer_code"], **record})
        elif diffs := changed_fields(old, record):
            updates.append((old["id"], diffs))
        else:
            result.unchanged += 1
    result.created, result.updated = len(creates), len(updates)

    def write(batch_id: int) -> None:
        created_at = now_for_db()
        columns = ["code", "name", *_FIELDS, "import_batch", "created_at"]
        rows = []
        for record in creates:
            limit = record.get("credit_limit")
            rows.append(
                (
                    record["code"],
                    record["name"],
                    record.get("credit_class", ""),
                    None if limit is None else to_minor_units(limit),
                    record.get("term_days"),
                    record.get("salesperson", ""),
                    record.get("collector", ""),
                    record.get("department", ""),
                    record.get("industry_position", ""),
                    record.get("email", ""),
                    record.get("phone", ""),
                    record.get("address", ""),
                    record.get("status", CustomerStatus.ACTIVE),
                    record.get("currency", functional),
                    record.get("short_name", ""),
                    record.get("english_name", ""),
                    record.get("language", "zh-hans"),
                    batch_id,
                    created_at,
                )
            )
        bulk_insert_rows(Customer, columns, rows, prepared=True)
        save_changes(Customer, updates)

    result.write = write
    return result


def _terms_follow_class(
    parsed: ParsedFile, row, old: dict | None, terms: tuple[dict, int], mode: str, warnings: list[str]
) -> bool:
    """The row's term days within its class's term (the row's class, else the customer's) plus
    the extension days granted to the customer (``terms``: the class terms and those days):
    False with the row's error when refused; capped in the row, with a warning, under "cap"."""
    by_class, granted = terms
    values = row.values
    credit_class = values.get("credit_class") or (old or {}).get("credit_class") or ""
    term_days = values.get("term_days")
    if term_days is None and "credit_class" in values and old is not None:
        term_days = old.get("term_days")  # a new class checks the term the customer has
    kept, ceiling = terms_within_class(
        term_days=term_days,
        credit_class=credit_class,
        term_days_by_class=by_class,
        mode=mode,
        granted_days=granted,
    )
    if ceiling is None:
        return True
    reason = terms_beyond_class(
        term_days=term_days, credit_class=credit_class, ceiling=ceiling, granted_days=granted
    )
    if kept is None:
        parsed.error(row, "term_days" if "term_days" in values else "credit_class", reason)
        return False
    values["term_days"] = kept
    warnings.append(
        gettext("line %(line)s, customer %(code)s: term_days capped at %(ceiling)s: %(reason)s")
        % {"line": row.line, "code": values["customer_code"], "ceiling": ceiling, "reason": reason}
    )
    return True
