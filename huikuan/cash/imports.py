"""Importing a bank statement file: parse → check → plan → write, all or nothing, never twice.

    bank_statement_import(path=…, fmt="auto", profile_name=None, account=None, imported_by=…)

A line is known again by its *dedupe key*, unique per account: the bank's reference (with
the amount, currency and direction, so that a bank reusing a reference for different money
is not taken for a repeat), else a hash of date, amount, currency, direction, payer and memo.
Either way an occurrence counter within the statement is part of the key, so two identical
lines in one statement are both kept, while the same statement again — or a later one
overlapping it — adds only the lines not seen before. Credit lines start ``new`` (for the
matcher); debit lines are kept ``ignored`` and never applied.

A correction (OFX ``REPLACE``/``DELETE``) is applied by the parser when the transaction it
corrects is in the same file; the file is refused when that transaction was imported before
(an imported line is never changed by a later file) or is nowhere to be found.

A line whose reference Huikuan reads only since a later version (a camt entry's ``NtryRef``) is
also known again by the key an earlier import gave it without that reference.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from auditlog.models import LogEntry
from django.db import transaction
from django.utils.translation import gettext as _

from huikuan.cash.models import BankLine, BankProfile, BankStatement, Direction, LineStatus
from huikuan.cash.parsers import parse_statement_file
from huikuan.cash.parsers.base import Statement, StatementLine, iban_form, refuse_file, rejected
from huikuan.cash.profiles import profile_get, profiles_all
from huikuan.core.audit import audit_bulk_changes
from huikuan.core.errors import RowError
from huikuan.core.money import quantize_cents
from huikuan.ledger.imports.limits import check_file_size, import_limits, limit_refused

SOURCE = "import:bank"


@dataclass
class BankImportResult:
    file_name: str
    format: str
    sha256: str
    profile: str = ""
    dry_run: bool = False
    statements: int = 0
    statements_created: int = 0
    lines_read: int = 0
    lines_new: int = 0
    duplicates: int = 0
    credits: int = 0
    debits: int = 0
    # Of the new lines: currency → {"credit": total, "debit": total}.
    totals: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    statement_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = {key: value for key, value in self.__dict__.items() if key != "totals"}
        data["totals"] = {
            currency: {direction: str(quantize_cents(amount)) for direction, amount in sums.items()}
            for currency, sums in sorted(self.totals.items())
        }
        return data


def dedupe_basis(line: StatementLine, *, as_written: bool = False) -> tuple:
    """What tells the line from another: its amount to the cent, however the file wrote it (a
    camt.054's ``42`` is the camt.053's ``42.00``, an MT940's ``100,`` is ``100,00``); with
    ``as_written``, as the file wrote it, as imports before that keyed it."""
    amount = str(line.amount) if as_written else str(quantize_cents(line.amount))
    if line.bank_ref:
        return ("ref", line.bank_ref, amount, line.currency, line.direction)
    return (
        "line",
        line.booking_date.isoformat(),
        amount,
        line.currency,
        line.direction,
        line.payer_name.casefold(),
        line.payer_account,
        line.memo,
    )


def dedupe_keys(lines: list[StatementLine], *, as_written: bool = False) -> list[str]:
    """One key per line; the n-th identical line of a statement gets occurrence n."""
    seen: Counter = Counter()
    keys = []
    for line in lines:
        basis = dedupe_basis(line, as_written=as_written)
        seen[basis] += 1
        text = "\x1f".join([*basis, str(seen[basis])])
        keys.append(hashlib.sha256(text.encode("utf-8")).hexdigest())
    return keys


@dataclass
class _Planned:
    statement: Statement
    account: str
    lines: list[tuple[str, StatementLine]]


def account_key(text: str) -> str:
    """One account however it was typed: its letters and digits only ("6222 0200-0123 4567" is
    6222020001234567, "NL91 ABNA.0417.1643.00" NL91ABNA0417164300); a masked digit (``*``)
    stays, so that two masked cards are not taken for one."""
    return "".join(char for char in text if char.isalnum() or char == "*")


def _existing(account: str, keys: list[str], written: str = "") -> set[str]:
    """Of ``keys``, those already stored for the account (also under ``written``, the form an
    earlier import may have stored it in: with its dashes or small letters)."""
    accounts = list(dict.fromkeys([account, written or account]))
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            BankLine.objects.filter(account_number__in=accounts, dedupe_key__in=chunk).values_list(
                "dedupe_key", flat=True
            )
        )
    return found


def bank_statement_import(
    *,
    path: Path,
    fmt: str = "auto",
    profile_name: str | None = None,
    account: str | None = None,
    imported_by: str = "",
    dry_run: bool = False,
) -> BankImportResult:
    """Import every statement of the file, or (on any bad line) nothing; raises ``InputRejected``
    with the line number or XML path of each bad value, or the import limit the file passes."""
    limits = import_limits()
    check_file_size(path.stat().st_size, limits, file_name=path.name)
    data = path.read_bytes()
    profile = profile_get(name=profile_name) if profile_name else None
    parsed, used_profile = parse_statement_file(
        path, data, fmt=fmt, profile=profile, profiles=profiles_all() if profile is None else ()
    )
    total = sum(len(statement.lines) for statement in parsed.statements)
    if total > limits.max_rows:
        raise limit_refused(
            _("it has more than %(limit)s lines") % {"limit": f"{limits.max_rows:,}"}, file_name=path.name
        )
    result = BankImportResult(
        file_name=path.name,
        format=parsed.format,
        sha256=hashlib.sha256(data).hexdigest(),
        profile=used_profile.name if used_profile else "",
        dry_run=dry_run,
        statements=len(parsed.statements),
        lines_read=total,
        warnings=list(parsed.warnings),
    )
    earlier = BankStatement.objects.filter(sha256=result.sha256).order_by("imported_at", "pk").first()
    if earlier is not None:
        # The very same file again, whatever account it is now said to be: nothing of it is new.
        result.duplicates = total
        result.warnings.append(
            _(
                "this file was already imported on %(date)s (as %(file)s, account %(account)s):"
                " none of its lines is added again"
            )
            % {
                "date": earlier.imported_at.date().isoformat(),
                "file": earlier.file_name,
                "account": earlier.account_number or "-",
            }
        )
        return result
    with transaction.atomic():
        plans = _plan(parsed.statements, account, result)
        if dry_run:
            return result
        profile_row = BankProfile.objects.filter(name=used_profile.name).first() if used_profile else None
        for plan in plans:
            if plan.lines:
                result.statement_ids.append(
                    _write(plan, parsed.format, profile_row, path.name, result, imported_by)
                )
        result.statements_created = len(result.statement_ids)
    return result


def _stored_under(keys: list[str], earlier_keys: list[str], number: str, written: str) -> set[str]:
    """Of ``keys``, those whose line an earlier import stored under its key of then
    (``earlier_keys``, in the same order)."""
    stored = _existing(number, earlier_keys, written)
    return {key for key, earlier in zip(keys, earlier_keys, strict=True) if earlier in stored}


def _known_without_ref(lines: list[StatementLine], keys: list[str], number: str, written: str) -> set[str]:
    """Of ``keys``, those of lines an earlier import stored without the reference read now
    (``ref_read_since``), so that they are not imported a second time under it."""
    if not any(line.ref_read_since for line in lines):
        return set()
    plain = dedupe_keys([replace(line, bank_ref="") if line.ref_read_since else line for line in lines])
    return _stored_under(keys, plain, number, written)


def _known_as_written(lines: list[StatementLine], keys: list[str], number: str, written: str) -> set[str]:
    """Of ``keys``, those of lines an earlier import stored keyed by the amount as its file wrote
    it (``42``, ``5.9``), before amounts were keyed to the cent."""
    if all(str(line.amount) == str(quantize_cents(line.amount)) for line in lines):
        return set()
    earlier_keys = dedupe_keys(lines, as_written=True)
    return _stored_under(keys, earlier_keys, number, written)


def _known_by_transaction_day(
    lines: list[StatementLine], keys: list[str], number: str, written: str
) -> set[str]:
    """Of ``keys``, those of card statement lines an earlier import stored dated by their
    transaction day (交易日), before a card's lines were booked on the day the bank booked them
    (记账日): a later statement overlapping that one adds them not again."""
    if not any(line.transaction_date and line.transaction_date != line.booking_date for line in lines):
        return set()
    earlier_keys = dedupe_keys(
        [replace(line, booking_date=line.transaction_date or line.booking_date) for line in lines]
    )
    return _stored_under(keys, earlier_keys, number, written)


def _corrections_refused(statement: Statement, number: str, written: str) -> list[RowError]:
    """Why each correction of the statement cannot be imported: the transaction it corrects was
    imported earlier (it is never changed by a later file), or is neither there nor in the file."""
    if not statement.corrections:
        return []
    earlier: dict[str, BankLine] = {}
    targets = {correction.corrected_ref for correction in statement.corrections}
    for line in BankLine.objects.filter(
        account_number__in=list(dict.fromkeys([number, written or number])), bank_ref__in=targets
    ).order_by("pk"):
        earlier.setdefault(line.bank_ref, line)
    errors = []
    for correction in statement.corrections:
        line = earlier.get(correction.corrected_ref)
        values = {"fitid": correction.corrected_ref, "action": correction.action}
        if line is not None:
            reason = _(
                "corrects (%(action)s) transaction %(fitid)s, already imported as bank line %(line)s"
                " (%(date)s, %(amount)s %(currency)s, %(status)s): an imported line is never changed"
                " by a later file; settle the correction on the cash workbench (undo the line's"
                " decision if it was applied), then import the file without this transaction"
            ) % {
                **values,
                "line": line.pk,
                "date": line.booking_date.isoformat(),
                "amount": quantize_cents(line.amount),
                "currency": line.currency,
                "status": line.get_status_display(),
            }
        elif not correction.in_file:
            reason = (
                _(
                    "corrects (%(action)s) transaction %(fitid)s, which is neither in this file nor"
                    " imported earlier for this account: ask the bank which transaction it corrects"
                )
                % values
            )
        else:
            continue
        errors.append(
            RowError(correction.line, f"{correction.where} CORRECTFITID", correction.corrected_ref, reason)
        )
    return errors


def _plan(statements: list[Statement], account: str | None, result: BankImportResult) -> list[_Planned]:
    plans = []
    taken: dict[str, set[str]] = defaultdict(set)  # keys already planned in this file, per account
    refused: list[RowError] = []
    named = list(dict.fromkeys(account_key(s.account) for s in statements if s.account))
    if account and len(named) > 1:  # one account given for lines the file says are of several
        raise refuse_file(
            result.file_name,
            _(
                "the file's lines name %(count)s accounts (%(accounts)s), but one account was given:"
                " import it without an account, each line then goes to the account it names"
            )
            % {"count": len(named), "accounts": ", ".join(named)},
        )
    for statement in statements:
        given = iban_form(account) if account else statement.account  # as the parsers give it
        number, written = account_key(given), "".join(given.split())
        refused.extend(_corrections_refused(statement, number, written))
        keys = dedupe_keys(statement.lines)
        known = _existing(number, keys, written=written) | taken[number]
        known |= _known_without_ref(statement.lines, keys, number, written)
        known |= _known_as_written(statement.lines, keys, number, written)
        known |= _known_by_transaction_day(statement.lines, keys, number, written)
        new = [(key, line) for key, line in zip(keys, statement.lines, strict=True) if key not in known]
        taken[number].update(keys)
        result.duplicates += len(statement.lines) - len(new)
        result.lines_new += len(new)
        for _key, line in new:
            sums = result.totals.setdefault(line.currency, {"credit": Decimal(0), "debit": Decimal(0)})
            sums[line.direction] += line.amount
            if line.direction == Direction.CREDIT:
                result.credits += 1
            else:
                result.debits += 1
        plans.append(_Planned(statement, number, new))
    if refused:
        raise rejected(result.file_name, refused)
    return plans


def _write(
    plan: _Planned, fmt: str, profile_row, file_name: str, result: BankImportResult, imported_by: str
) -> int:
    statement = plan.statement
    row = BankStatement.objects.create(
        account_number=plan.account,
        statement_ref=statement.statement_ref[:200],
        format=fmt,
        profile=profile_row,
        file_name=file_name[:500],
        sha256=result.sha256,
        period_start=statement.period_start,
        period_end=statement.period_end,
        currency=statement.currency[:3],
        opening_balance=statement.opening_balance,
        closing_balance=statement.closing_balance,
        lines_read=len(statement.lines),
        lines_new=len(plan.lines),
        imported_by=imported_by[:200],
    )
    lines = BankLine.objects.bulk_create(
        [
            BankLine(
                statement=row,
                account_number=plan.account,
                bank_ref=line.bank_ref[:200],
                dedupe_key=key,
                booking_date=line.booking_date,
                value_date=line.value_date,
                transaction_date=line.transaction_date,
                amount=line.amount,
                currency=line.currency,
                direction=line.direction,
                payer_name=line.payer_name[:300],
                payer_account=line.payer_account[:100],
                memo=line.memo,
                status=LineStatus.NEW if line.direction == Direction.CREDIT else LineStatus.IGNORED,
            )
            for key, line in plan.lines
        ],
        batch_size=1000,
    )
    if any(line.pk is None for line in lines):  # a database without RETURNING: read them back
        lines = list(BankLine.objects.filter(statement=row).order_by("pk"))
    audit_bulk_changes(
        model=BankStatement,
        changes=[
            (row.pk, str(row), {"file_name": [None, file_name], "lines_new": [None, str(len(plan.lines))]})
        ],
        source=SOURCE,
        action=LogEntry.Action.CREATE,
    )
    audit_bulk_changes(
        model=BankLine,
        changes=[
            (
                line.pk,
                str(line),
                {
                    "amount": [None, str(line.amount)],
                    "direction": [None, line.direction],
                    "bank_ref": [None, line.bank_ref],
                    "status": [None, line.status],
                },
            )
            for line in lines
        ],
        source=SOURCE,
        action=LogEntry.Action.CREATE,
    )
    return row.pk
