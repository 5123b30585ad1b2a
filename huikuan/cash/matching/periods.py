"""The period a memo names (``10月服务费``, ``2024年10月货款``, ``Oct 2024 fee``): which month's
invoice a payer meant when several open invoices have the paid amount (a monthly fee)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_CHINESE_MONTHS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_ENGLISH_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("JAN", "JANUARY"),
            ("FEB", "FEBRUARY"),
            ("MAR", "MARCH"),
            ("APR", "APRIL"),
            ("MAY",),
            ("JUN", "JUNE"),
            ("JUL", "JULY"),
            ("AUG", "AUGUST"),
            ("SEP", "SEPT", "SEPTEMBER"),
            ("OCT", "OCTOBER"),
            ("NOV", "NOVEMBER"),
            ("DEC", "DECEMBER"),
        ),
        start=1,
    )
    for name in names
}
# 2024年10月, 10月份, 十月 — not a day (10月5日, 10月5号) and not a duration (3个月).
_CHINESE = re.compile(
    r"(?:(20\d{2})\s*年\s*)?(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月(?!\s*\d{1,2}\s*[日号])"
)
# 2024-10 / 2024.10 / 2024/10 (not followed by another number: that is a date or a reference).
_NUMERIC = re.compile(r"(?<![\w-])(20\d{2})[-./](1[0-2]|0?[1-9])(?![\w-]|[./]\d)")
_ENGLISH = re.compile(r"\b([A-Z]{3,9})\.?(?:\s*[-,]?\s*(20\d{2}))?\b")


@dataclass(frozen=True, slots=True)
class Period:
    month: int
    year: int | None = None

    def holds(self, day: date) -> bool:
        return day.month == self.month and (self.year is None or day.year == self.year)

    def following(self, day: date) -> bool:
        """``day`` lies in the month after this period (an invoice for a month is often
        issued at the start of the next)."""
        month = self.month % 12 + 1
        year = None if self.year is None else self.year + (1 if self.month == 12 else 0)
        return Period(month, year).holds(day)

    def covers(self, day: date) -> bool:
        """``day`` lies in this period or in the month after: an invoice for the month it names."""
        return self.holds(day) or self.following(day)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.year else f"{self.month:02d}"


def memo_periods(memo: str) -> list[Period]:
    """The months a memo names, in order, without repeats."""
    if not memo:
        return []
    text = unicodedata.normalize("NFKC", memo).upper()
    found: list[Period] = []
    for match in _CHINESE.finditer(text):
        year, month = match.group(1), match.group(2)
        number = int(month) if month.isdigit() else _CHINESE_MONTHS[month]
        found.append(Period(number, int(year) if year else None))
    for match in _NUMERIC.finditer(text):
        found.append(Period(int(match.group(2)), int(match.group(1))))
    for match in _ENGLISH.finditer(text):
        number = _ENGLISH_MONTHS.get(match.group(1))
        if number == 5 and match.group(1) == "MAY" and not match.group(2):
            continue  # "may" is a word too: the month only with its year
        if number is not None:
            found.append(Period(number, int(match.group(2)) if match.group(2) else None))
    return list(dict.fromkeys(found))


def period_choice(periods: list[Period], dates: list[date]) -> int | None:
    """Which of several invoices (by invoice date) the memo's one period points at: the only
    one issued in that month or in the month after (a month's goods or service invoiced at
    the start of the next); else ``None``."""
    if len(periods) != 1:
        return None
    period = periods[0]
    within = [i for i, day in enumerate(dates) if period.covers(day)]
    return within[0] if len(within) == 1 else None
