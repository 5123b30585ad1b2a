"""Bank exports in CSV, XLS or XLSX, read through a profile (:mod:`huikuan.cash.profiles`).

The header row is found by the profile's column names, compared with full-width forms, spaces
and case ignored (preamble rows such as 卡号/账号/币种 come before it and are read for the account
and currency); footer rows (合计, 以上数据仅供参考 …) end the table, page subtotals and repeated
headers are skipped. Cells are trimmed of spaces and tabs; placeholders (--, ****) are empty.
A direction column (借贷, 收支 …) and the common Chinese names of the memo, payer and reference
columns are found even when the profile names none. Spreadsheets are read by the ledger's
bounded reader (a child process with a memory ceiling, the import limits); an "xls" that is
an HTML table or tab-separated text is read as such.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from huikuan.cash.parsers.base import (
    CREDIT,
    DEBIT,
    FileErrors,
    ParsedFile,
    Statement,
    StatementLine,
    business_date,
    clean_text,
    reference,
    refuse_file,
)
from huikuan.cash.profiles import COMMON_HEADERS, Profile
from huikuan.core.errors import InputRejected
from huikuan.core.money import is_whole_cents, ungrouped
from huikuan.ledger.imports.limits import import_limits
from huikuan.ledger.imports.reading import SPREADSHEET_SUFFIXES, BoundedRows, decode_text, read_table

HEADER_SEARCH_ROWS = 50
# Rows between pages (本页小计, 承前页 …): skipped, the table goes on after them.
PAGE_MARKERS = ("本页", "小计", "承前页", "过次页", "接上页")
FOOTER_MARKERS = (
    "以上数据", "仅供参考", "合计", "总计", "汇总", "说明", "注:", "温馨提示", "打印时间",
    "Total", "TOTAL",
)  # fmt: skip
CURRENCY_NAMES = {
    "人民币": "CNY", "人民币元": "CNY", "RMB": "CNY", "元": "CNY", "美元": "USD", "港币": "HKD",
    "港元": "HKD", "欧元": "EUR", "日元": "JPY", "英镑": "GBP", "澳元": "AUD", "澳大利亚元": "AUD",
    "加元": "CAD", "加拿大元": "CAD", "新加坡元": "SGD", "瑞士法郎": "CHF", "新西兰元": "NZD",
    # ISO 4217 numeric codes, as some banks' systems write them.
    "156": "CNY", "344": "HKD", "840": "USD", "978": "EUR", "392": "JPY", "826": "GBP",
}  # fmt: skip
CREDIT_WORDS = {
    "credit", "cr", "c", "crdt", "in", "贷", "贷方", "收", "收入", "入", "来账", "+", "存入", "转入", "入账",
}  # fmt: skip
DEBIT_WORDS = {
    "debit", "dr", "d", "dbit", "out", "借", "借方", "支", "支出", "出", "往账", "-", "支取", "取出", "转出",
}  # fmt: skip
# A column saying which way the money went, looked for when the profile names none: without
# it, the unsigned amounts of such a file would all read as money in.
DIRECTION_HEADERS = (
    "借贷标志", "借贷方向", "借贷标识", "借贷", "收支标志", "收支方向", "收支", "收/支", "收付标志",
    "支出/收入", "收入/支出",
    "收支类型", "借贷类型", "收付方向", "记账方向", "交易方向", "资金方向", "资金流向", "credit/debit",
    "debit/credit", "dr/cr", "cr/dr", "d/c", "c/d",
)  # fmt: skip
EXCEL_EPOCH = date(1899, 12, 30)
_DATE_THEN_TIME = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[-.:]\d{1,2}[.:]\d{2}|^(\d{4})(\d{2})(\d{2})\d{4,6}$"
)
COMMON_DATES = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日", "%Y.%m.%d")
# A label above the header, alone in its cell (the value in the next) or followed by ':'.
_ACCOUNT_LABEL = re.compile(
    r"^(?:账号|卡号|账户|帐号|账户号码|账户账号|帐户账号|卡号/账号|银行账号|查询账号|本方账号|客户账号"
    r"|Account(?:No\.?|Number)?|Account/CardNo\.?)"
    r"(?:[:：](.*))?$",
    re.IGNORECASE,
)
_CURRENCY_LABEL = re.compile(r"^(?:币种|币别|货币|卡内账户|子账户|Currency)(?:[:：](.*))?$", re.IGNORECASE)
_ACCOUNT_NUMBER = re.compile(r"^[0-9*xX][0-9*xX -]{5,}$")
# The statement's period above the header (账单周期 2024/11/30-2024/12/29, 记账日期 … 至 …), or its
# date (账单日 2024/12/29): what dates written without their year (12/29) are read by.
_PERIOD_LABEL = re.compile(
    r"^(?:本期)?(?:(账单周期|账单期间|对账周期|对账期间|记账日期|交易日期|查询期间|查询日期|查询区间|起止日期"
    r"|交易期间|明细期间|Statement\s*period)|账单日期|账单日|对账日期|出账日|Statement\s*date)\s*[:：]?\s*(.*)$",
    re.IGNORECASE,
)
_DATE_IN_TEXT = re.compile(
    r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)|(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"
)
# A statement titled by its month: 招商银行信用卡对账单（个人消费卡账户 2024年01月）.
_STATEMENT_MONTH = re.compile(r"账单.*?(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)")
_PERIOD_CONNECTORS = {"至", "到", "~", "～", "-", "—", "－", "〜", "to"}
# A date without its year, as card statements write it: 12/29, 12-29, 12月29日.
_YEARLESS = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
# How long before the period's first day a line may be dated (a card's purchase booked later).
PERIOD_LEEWAY = timedelta(days=31)
# An account number inside a cell that also holds the name (对手信息, 对方账号与户名).
_ACCOUNT_IN_TEXT = re.compile(r"(?<![\d*])(\d[\d*]{6,}\d)(?![\d*])")
# Cells a bank fills with dashes or stars to say "nothing here".
_PLACEHOLDER = re.compile(r"^[-—－*＊/_.]+$")
Rows = list[tuple[int, list[str]]]


@dataclass(frozen=True)
class StatedPeriod:
    """The statement period a file states above its table: its last day (the statement date,
    the period's end, or the last day of the month the statement is titled by), and its first
    day when the file gives it."""

    end: date
    start: date | None = None


# The columns a line cannot do without (see parse_table).
ESSENTIAL = ("date", "amount", "credit", "debit", "direction", "currency")


def cell(value: str) -> str:
    return value.replace("\t", " ").replace("\u3000", " ").replace("\ufeff", "").strip()


def header_key(text: str) -> str:
    """A header as compared: full-width forms made plain, spaces out, case and a unit suffix ignored."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
    return re.sub(r"\((?:元|人民币|rmb|cny)\)$", "", key)


def text_value(value: str) -> str:
    """A text cell, or '' where the bank wrote a placeholder (--, ****, /)."""
    return "" if _PLACEHOLDER.match(value) else value


def _decode(data: bytes, encoding: str, file_name: str) -> str:
    if encoding in ("", "auto"):
        return decode_text(data)
    try:
        return data.decode({"utf-8": "utf-8-sig"}.get(encoding, encoding))
    except (UnicodeDecodeError, LookupError) as error:
        raise refuse_file(
            file_name,
            _("cannot decode the file as %(encoding)s: %(reason)s") % {"encoding": encoding, "reason": error},
        ) from None


def read_rows(path: Path, data: bytes, profile: Profile) -> Rows:
    """Every non-empty row with its line number, cells trimmed, within the import limits.

    A ``.xls`` that is not a workbook (banks often save an HTML table or tab-separated text
    under that name) is read as what it is."""
    if path.suffix.lower() in SPREADSHEET_SUFFIXES and data.startswith((_OLE2, _ZIP)):
        table = read_table(path)
        rows = [(1, table.headers), *table.rows]
        return [(n, [cell(c) for c in cells]) for n, cells in rows if any(c.strip() for c in cells)]
    text = _decode(data, profile.encoding, path.name)
    if re.search(r"<table[\s>]", text[:65536], re.IGNORECASE):
        try:
            return _bounded(path, _html_rows(text))
        except ValueError as error:
            raise refuse_file(
                path.name, _("not a readable HTML table: %(reason)s") % {"reason": error}
            ) from None
    delimiter = profile.delimiter if profile.delimiter not in ("\\t", "tab") else "\t"
    if delimiter == "," and not _has_columns(text, ","):
        # No line has a second comma-separated column: a tab- or semicolon-separated export.
        delimiter = next((d for d in ("\t", ";", "|") if _has_columns(text, d)), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = csv.field_size_limit(import_limits().max_cell_chars)
    try:
        return _bounded(path, ((reader.line_num, cells) for cells in reader))
    except csv.Error as error:
        raise refuse_file(
            path.name, _("not a readable CSV file: %(reason)s") % {"reason": error}, line=reader.line_num
        ) from None
    finally:
        csv.field_size_limit(previous)


_OLE2 = b"\xd0\xcf\x11\xe0"  # an Excel 97 workbook
_ZIP = b"PK\x03\x04"  # an Office Open XML or OpenDocument workbook


def _has_columns(text: str, delimiter: str) -> bool:
    head = text[:65536].splitlines()[:HEADER_SEARCH_ROWS]
    try:
        return any(len(cells) > 2 for cells in csv.reader(head, delimiter=delimiter))
    except csv.Error:
        return False


def _html_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """The rows of the HTML tables, numbered from 1; nothing is fetched, scripts are dropped."""
    from lxml import etree, html

    parser = html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml takes no encoding declaration in a str
    try:
        document = html.document_fromstring(text, parser=parser)
    except (etree.LxmlError, ValueError) as error:
        raise ValueError(str(error)) from None
    for number, row in enumerate(document.iter("tr"), start=1):
        yield number, [c.text_content() for c in row if c.tag in ("td", "th")]


def _bounded(path: Path, rows: Iterable[tuple[int, list[str]]]) -> Rows:
    bounds = BoundedRows(import_limits(), path.name, None)
    kept: Rows = []
    for line, cells in rows:
        bounds.row(line, cells)
        if any(c.strip() for c in cells):
            kept.append((line, [cell(c) for c in cells]))
    return kept


@dataclass
class Layout:
    """Where each field is in the rows: field → column indices (memo may have several)."""

    header_line: int
    header_index: int
    positions: dict[str, list[int]]
    amount_layout: str
    # How many of the profile's fields the row holds: the best-fitting profile holds most.
    score: int = 0


def find_layout(rows: Rows, profile: Profile) -> Layout | None:
    """The first row (after ``skip_rows``) holding the profile's date and amount headers."""
    for index, (line, cells) in enumerate(rows[: HEADER_SEARCH_ROWS + profile.skip_rows]):
        if line <= profile.skip_rows:
            continue
        normalised = [header_key(c) for c in cells]
        positions: dict[str, list[int]] = {}
        matched = 0
        for field_name, headers in profile.columns.items():
            wanted = [header_key(h) for h in headers]
            found = [normalised.index(h) for h in wanted if h in normalised]
            # A field counts once (a long list of date headers wins nothing); memo columns each.
            matched += len(set(found)) if field_name == "memo" else min(len(found), 1)
            if found:
                # Several date columns: the first one filled on a line is used.
                positions[field_name] = found if field_name in ("memo", "date") else found[:1]
        if "date" not in positions:
            continue
        if "direction" not in positions and "amount" in positions:
            found = [normalised.index(h) for h in DIRECTION_HEADERS if h in normalised]
            if found:
                positions["direction"] = found[:1]
        for field_name, headers in COMMON_HEADERS.items():
            if field_name not in positions:
                found = [
                    normalised.index(k) for k in dict.fromkeys(map(header_key, headers)) if k in normalised
                ]
                if found:
                    positions[field_name] = found if field_name == "memo" else found[:1]
        layout = _amount_layout(profile.amount_layout, positions)
        if layout:
            return Layout(line, index, positions, layout, matched)
    return None


def _amount_layout(preferred: str, positions: dict) -> str:
    have = {
        "split": "credit" in positions and "debit" in positions,
        "direction": "amount" in positions and "direction" in positions,
        "signed": "amount" in positions,
    }
    if preferred == "signed" and have["direction"]:
        return "direction"  # a direction column beside the amount says which way, not its sign
    if have.get(preferred):
        return preferred
    return next((layout for layout in ("split", "direction", "signed") if have[layout]), "")


def parse_number(text: str, profile: Profile) -> Decimal | None:
    """A money cell: thousands separators, currency signs and (parentheses) handled; '' or '-' is None."""
    value = unicodedata.normalize("NFKC", text).strip().replace(" ", "").replace("\u00a0", "")
    for sign in ("¥", "$", "€", "£", "RMB", "CNY", "元"):
        value = value.replace(sign, "")
    if value == "" or _PLACEHOLDER.match(value):
        return None
    negative = value.startswith("(") and value.endswith(")")
    value = value.strip("()")
    if value.endswith("-") and not value.startswith(("-", "+")):  # 1,234.00- : money out
        negative, value = True, value[:-1]
    # 1,234.56 or 1.234,56 as the profile says; a separator out of place (12,34.5) is refused.
    value = ungrouped(value, thousands=profile.thousands_separator, decimal=profile.decimal_separator)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(_("not an amount")) from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e15") or not is_whole_cents(amount):
        raise ValueError(_("not an amount with at most two decimal places"))
    return -amount if negative else amount


def parse_day(text: str, profile: Profile, period: StatedPeriod | None = None) -> date:
    """A date cell in the profile's forms or the common ones; without its year (12/29) when the
    file states its statement period (``period``), in the year that puts it in that period."""
    value = unicodedata.normalize("NFKC", text).strip()
    # A time part after the date: "2024-01-02 10:11:12", "2024-01-02T10:11", "2024年1月2日 10:00".
    value = re.split(r"[ T]", value, maxsplit=1)[0] if re.match(r"^\d", value) else value
    if re.fullmatch(r"[2-7]\d{4}", value):  # a spreadsheet's day number (45292 = 2024-01-01)
        return business_date(EXCEL_EPOCH + timedelta(days=int(value)))
    for form in [*filter(None, profile.date_format.split(";")), *COMMON_DATES]:
        try:
            return business_date(datetime.strptime(value, form).date())  # noqa: DTZ007 - a date only
        except ValueError as error:
            if "between" in str(error):
                raise
            continue
    # A date run into its time: 2024-01-02-10.11.12.000000, 20240102103000.
    if found := _DATE_THEN_TIME.match(value):
        try:
            return business_date(date(*(int(part) for part in found.groups() if part)))
        except ValueError as error:
            if "between" in str(error):
                raise
    if period is not None and (yearless := _YEARLESS.fullmatch(value)):
        if (found := _in_period(int(yearless.group(1)), int(yearless.group(2)), period)) is not None:
            return business_date(found)
    raise ValueError(_("not a date in a form the profile knows (%(forms)s)") % {"forms": profile.date_format})


def _in_period(month: int, day: int, period: StatedPeriod) -> date | None:
    """The day of a date written without its year: the last one on or before the period's end
    (a December line on a statement dated January is of the year before), within a year of it;
    None when no year has that day. Refused when it then falls before the period's first day."""
    for year in (period.end.year, period.end.year - 1):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if period.end - timedelta(days=366) < found <= period.end:
            break
    else:
        return None
    if period.start is not None and found < period.start - PERIOD_LEEWAY:
        raise ValueError(
            _(
                "the date has no year, and no year puts it in the statement period the file"
                " states (%(start)s to %(end)s)"
            )
            % {"start": period.start.isoformat(), "end": period.end.isoformat()}
        )
    return found


def currency_of(text: str, fallback: str) -> str:
    value = text.strip()
    if not value or _PLACEHOLDER.match(value):
        return fallback
    if value in CURRENCY_NAMES:
        return CURRENCY_NAMES[value]
    if re.fullmatch(r"[A-Za-z]{3}", value):
        return value.upper()
    if found := currency_named(value):  # 人民币 现汇, 美元现钞, 港币 钞 …
        return found
    raise ValueError(_("not a currency"))


def currency_named(text: str) -> str:
    """The currency a text names (人民币活期, 001 活期储蓄存款 港币 现汇), or ''."""
    names = [name for name in CURRENCY_NAMES if len(name) > 1 and not name.isdigit() and name in text]
    return CURRENCY_NAMES[max(names, key=len)] if names else ""


def _preamble(rows: Rows, layout: Layout) -> tuple[str, str, StatedPeriod | None]:
    """Account, currency and statement period from the rows above the header (账号: …, 币种: …,
    账单周期: …, 账单日: …, or a title naming the statement's month)."""
    account = currency = ""
    period: StatedPeriod | None = None
    for _line, cells in rows[: layout.header_index]:
        for position, value in enumerate(cells):
            label, _colon, rest = unicodedata.normalize("NFKC", value).partition(":")
            flat = re.sub(r"\s+", "", label) + (":" if _colon else "")
            following = cells[position + 1] if position + 1 < len(cells) else ""
            given = rest.strip() or following.strip()
            if _ACCOUNT_LABEL.match(flat) and _ACCOUNT_NUMBER.match(given):
                account = account or given
            elif _CURRENCY_LABEL.match(flat):
                currency = currency or CURRENCY_NAMES.get(given, "") or currency_named(given)
            elif period is None:
                period = _stated_period(value, cells[position + 1 :]) or _month_of(value)
    return account, currency, period


def _dates_in(text: str) -> list[date]:
    found = []
    for match in _DATE_IN_TEXT.finditer(unicodedata.normalize("NFKC", text)):
        try:
            found.append(date(*(int(part) for part in match.groups() if part)))
        except ValueError:
            continue
    return found


def _stated_period(text: str, following: list[str]) -> StatedPeriod | None:
    """The period (账单周期, 记账日期 …: two dates) or the statement date (账单日: one) that a cell
    above the header gives, after its label or in the cells after it (``2024-11-30``, ``至``, …)."""
    label = _PERIOD_LABEL.match(unicodedata.normalize("NFKC", text).strip())
    if label is None:
        return None
    dates = _dates_in(label.group(2))
    if not dates:
        for value in following:
            within = _dates_in(value)
            if not within and value.strip().lower() not in _PERIOD_CONNECTORS:
                break  # the next label (到期还款日 …): no longer the period
            dates.extend(within)
    if label.group(1) and len(dates) >= 2:
        return StatedPeriod(end=max(dates[:2]), start=min(dates[:2]))
    return StatedPeriod(end=dates[0]) if dates else None


def _month_of(title: str) -> StatedPeriod | None:
    """The statement month a title names (对账单 … 2024年01月): the period ends with that month."""
    found = _STATEMENT_MONTH.search(unicodedata.normalize("NFKC", title))
    if found is None or not 1 <= int(found.group(2)) <= 12:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    following = date(year + month // 12, month % 12 + 1, 1)
    return StatedPeriod(end=following - timedelta(days=1))


def split_name_account(text: str) -> tuple[str, str]:
    """'张三 6222000011112222', '6222000011112222/张三' → name and account; else the text as the name."""
    found = list(_ACCOUNT_IN_TEXT.finditer(text))
    if len(found) != 1:
        return text, ""
    match = found[0]
    name = (text[: match.start()] + " " + text[match.end() :]).strip(" /／-:：|,，")
    return " ".join(name.split()), match.group(1)


def is_page_break(cells: list[str]) -> bool:
    first = unicodedata.normalize("NFKC", next((c for c in cells if c), ""))
    return any(marker in first[:12] for marker in PAGE_MARKERS)


def is_footer(cells: list[str]) -> bool:
    first = unicodedata.normalize("NFKC", next((c for c in cells if c), ""))
    return any(first.startswith(marker) or marker in first[:12] for marker in FOOTER_MARKERS)


def parse_table(path: Path, data: bytes, profile: Profile, *, rows: Rows | None = None) -> ParsedFile:
    rows = rows if rows is not None else read_rows(path, data, profile)
    layout = find_layout(rows, profile)
    if layout is None:
        raise refuse_file(
            path.name,
            _("no header row with the columns of profile %(profile)s (a date and the amounts)")
            % {"profile": profile.name},
        )
    account, preamble_currency, period = _preamble(rows, layout)
    statement = Statement(account=account.replace(" ", ""), currency=preamble_currency or profile.currency)
    errors = FileErrors(path.name)
    headers = rows[layout.header_index][1]

    def value(cells: list[str], field_name: str) -> str:
        found = layout.positions.get(field_name, [])
        filled = [cells[i] for i in found if i < len(cells) and cells[i]]
        return filled[0] if filled else ""

    owners: list[str] = []  # the statement's own account each line names (本方账号), or the file's
    header_keys = [header_key(c) for c in headers]
    # The header's width, up to its last named column (a trailing empty header cell is no column).
    width = max((i + 1 for i, h in enumerate(headers) if h), default=0)
    # A line may leave out empty cells at its end (some banks write no trailing commas), but
    # not the columns that say when, how much, which way and in what currency: without them
    # its values are under the wrong columns (a separator is missing) or not there at all.
    needed = 1 + max(
        (layout.positions[name][0] for name in ESSENTIAL if name in layout.positions), default=-1
    )
    for line, cells in rows[layout.header_index + 1 :]:
        if is_page_break(cells) or [header_key(c) for c in cells] == header_keys:
            continue  # a page's subtotal, or the header repeated on the next page
        if is_footer(cells):
            break
        column = ""
        try:
            column = "amount"
            try:
                amount, direction = _money(cells, layout, profile, value)
            except ValueError:
                if len(cells) < needed:
                    raise _short(len(cells), width) from None
                raise
            if amount is None:
                if not reference(value(cells, "reference")) or _has_money_cell(cells, layout, value):
                    continue  # a row with no money (a balance, a note, a zero line)
                raise _no_amount(layout)
            if len(cells) < needed:
                raise _short(len(cells), width)
            column, booked = _booking_date(cells, headers, layout.positions["date"], profile, period)
            column = "value_date"
            valued = (
                parse_day(value(cells, "value_date"), profile, period) if value(cells, "value_date") else None
            )
            column = "transaction_date"
            traded = value(cells, "transaction_date")
            traded = parse_day(traded, profile, period) if traded else None
            column = "currency"
            currency = currency_of(value(cells, "currency"), statement.currency or profile.currency)
            if not currency:
                raise ValueError(_("no currency in the file or the profile"))
        except ValueError as error:
            column = getattr(error, "field", column)
            if not column:  # the whole line is wrong (too few columns)
                shown = ",".join(cells)
            elif column in layout.positions:
                shown = value(cells, column)
                # Named as the file's header names it (交易金额, 借贷标志 …).
                column = headers[layout.positions[column][0]] or column
            else:
                shown = next((cells[i] for i, h in enumerate(headers) if h == column and i < len(cells)), "")
            errors.add(line, column, shown, str(error))
            continue
        own = text_value(value(cells, "account")).replace(" ", "") or statement.account
        name = text_value(value(cells, "payer_name"))
        account_number = text_value(value(cells, "payer_account"))
        if name and not account_number:
            name, account_number = split_name_account(name)
        if account_number.replace(" ", "") in (statement.account, own):
            account_number = ""  # the statement's own account is not the other party's
        memo_parts = [text_value(cells[i]) for i in layout.positions.get("memo", []) if i < len(cells)]
        memo = " ".join(dict.fromkeys(part for part in memo_parts if part))
        owners.append(own)
        statement.lines.append(
            StatementLine(
                booking_date=booked,
                value_date=valued,
                transaction_date=traded,
                amount=amount,
                currency=currency,
                direction=direction,
                bank_ref=reference(value(cells, "reference")),
                payer_name=clean_text(name, 300),
                payer_account=clean_text(account_number, 100).replace(" ", ""),
                memo=clean_text(memo),
                where=_("line %(line)s") % {"line": line},
            )
        )
    errors.raise_if_any()
    if not preamble_currency and statement.lines:  # the currency most of the lines are in
        statement.currency = Counter(line.currency for line in statement.lines).most_common(1)[0][0]
    statements = _by_account(statement, owners)
    for each in statements:
        dates = [line.booking_date for line in each.lines]
        each.period_start, each.period_end = (min(dates), max(dates)) if dates else (None, None)
    return ParsedFile(format="csv", statements=statements)


def _by_account(statement: Statement, owners: list[str]) -> list[Statement]:
    """The statement as one per account its lines name in an account column of their own
    (本方账号, 账号), in the order they first appear; the statement as it is when they name one
    account, or none (the account above the table, or ``--account``, is then the statement's)."""
    accounts = list(dict.fromkeys(owners))
    if len(accounts) <= 1:
        statement.account = accounts[0] if accounts else statement.account
        return [statement]
    return [
        replace(
            statement,
            account=account,
            lines=[line for line, own in zip(statement.lines, owners, strict=True) if own == account],
        )
        for account in accounts
    ]


def _booking_date(
    cells: list[str], headers: list[str], found: list[int], profile: Profile, period: StatedPeriod | None
) -> tuple[str, date]:
    """The first date column filled with a date (a 交易时间 column may hold only the time)."""
    filled = [i for i in found if i < len(cells) and cells[i]] or found[:1]
    first_error: ValueError | None = None
    for index in filled:
        try:
            return headers[index], parse_day(cells[index] if index < len(cells) else "", profile, period)
        except ValueError as error:
            first_error = first_error or error
            first_error.field = headers[filled[0]]  # type: ignore[attr-defined]
    raise first_error or ValueError(_("no date"))


def _short(found: int, width: int) -> ValueError:
    """A row with fewer cells than the header: its values may sit under the wrong columns."""
    error = ValueError(
        _("the line has %(found)s columns but the header has %(width)s: a value or a separator is missing")
        % {"found": found, "width": width}
    )
    error.field = ""  # type: ignore[attr-defined]
    return error


def _no_amount(layout: Layout) -> ValueError:
    """A line with a bank reference but no amount: a payment whose money the file does not say."""
    if layout.amount_layout == "split":
        error = ValueError(
            _("the line has a reference but both the money in and money out columns are empty")
        )
        error.field = "credit"  # type: ignore[attr-defined]
    else:
        error = ValueError(_("the line has a reference but no amount"))
        error.field = "amount"  # type: ignore[attr-defined]
    return error


def _has_money_cell(cells: list[str], layout: Layout, value) -> bool:
    """Whether an amount cell is filled (0.00 is a written amount, a blank or '--' is none)."""
    fields = ("credit", "debit") if layout.amount_layout == "split" else ("amount",)
    return any(text_value(value(cells, name)) for name in fields)


def _money(cells, layout: Layout, profile: Profile, value) -> tuple[Decimal | None, str]:
    if layout.amount_layout == "split":
        money_in = parse_number(value(cells, "credit"), profile)
        money_out = parse_number(value(cells, "debit"), profile)
        money_in = money_in if money_in else None  # 0.00 in the other column means nothing
        money_out = money_out if money_out else None
        if money_in and money_out:
            raise ValueError(_("both money in and money out on one line"))
        if money_in:
            return abs(money_in), CREDIT if money_in > 0 else DEBIT
        if money_out:
            return abs(money_out), DEBIT if money_out > 0 else CREDIT
        return None, ""
    amount = parse_number(value(cells, "amount"), profile)
    if not amount:
        return None, ""
    if layout.amount_layout == "direction" and value(cells, "direction"):
        word = value(cells, "direction")
        direction = direction_of(word)
        if not direction:
            error = ValueError(_("the direction %(value)r is neither credit nor debit") % {"value": word})
            error.field = "direction"  # type: ignore[attr-defined]
            raise error
        if amount < 0 and direction != _signed_direction(amount, profile):
            # A minus sign that the direction column contradicts: which one is right is unknown.
            reason = (
                _(
                    "the amount %(amount)s is negative (money out) but the direction column says"
                    " %(direction)r (money in): the two contradict each other"
                )
                if direction == CREDIT
                else _(
                    "the amount %(amount)s is negative (money in on a card statement) but the"
                    " direction column says %(direction)r (money out): the two contradict each other"
                )
            )
            error = ValueError(reason % {"amount": value(cells, "amount"), "direction": word})
            error.field = "amount"  # type: ignore[attr-defined]
            raise error
        return abs(amount), direction
    return abs(amount), _signed_direction(amount, profile)


def _signed_direction(amount: Decimal, profile: Profile) -> str:
    """The way a signed amount goes: minus is money out (on a card statement, plus is money spent)."""
    if profile.card_statement:
        return DEBIT if amount > 0 else CREDIT
    return CREDIT if amount > 0 else DEBIT


def direction_of(word: str) -> str:
    """credit or debit from a direction cell (贷, 借 Dr, 收入, CREDIT …); '' when it says neither."""
    flat = unicodedata.normalize("NFKC", word).strip().lower()
    parts = [flat, *re.split(r"[\s/()|,.]+", flat)]
    said = {CREDIT if p in CREDIT_WORDS else DEBIT for p in parts if p in CREDIT_WORDS or p in DEBIT_WORDS}
    return said.pop() if len(said) == 1 else ""


def best_profile(path: Path, data: bytes, profiles: list[Profile]) -> tuple[Profile, Rows] | None:
    """The profile whose columns this file fits best (most fields found), or None."""
    best: tuple[tuple[int, bool], Profile, Rows] | None = None
    cache: dict[tuple[str, str], Rows] = {}
    # A last-resort profile only when no other fits.
    ordered = sorted(profiles, key=lambda profile: profile.last_resort)
    for profile in ordered:
        if best is not None and profile.last_resort:
            break
        key = (profile.encoding, profile.delimiter)
        try:
            rows = cache[key] if key in cache else read_rows(path, data, profile)
        except InputRejected:
            continue
        cache[key] = rows
        layout = find_layout(rows, profile)
        if layout is None:
            continue
        above = " ".join(" ".join(cells) for _line, cells in rows[: layout.header_index]).lower()
        named = any(name.lower() in above for name in profile.bank_names)
        score = (layout.score, named)
        if best is None or score > best[0]:
            best = (score, profile, rows)
    if best is None:
        _refuse_without_amounts(path, cache, profiles)
    return (best[1], best[2]) if best else None


def _refuse_without_amounts(path: Path, cache: dict[tuple[str, str], Rows], profiles: list[Profile]) -> None:
    """A header with a date column the profiles know but no amounts they can read: say so."""
    dates = {header_key(h) for profile in profiles for h in profile.headers("date")}
    for rows in cache.values():
        for line, cells in rows[:HEADER_SEARCH_ROWS]:
            if any(header_key(c) in dates for c in cells):
                raise refuse_file(
                    path.name,
                    _(
                        "the header row has a date column but no amounts a profile can read: money in"
                        " and money out columns (收入/支出, 贷方发生额/借方发生额 …), one signed amount"
                        " (交易金额, 金额 …), or an amount and a 借贷 column; choose a profile with"
                        " --profile or save one for this export"
                    ),
                    line=line,
                )
