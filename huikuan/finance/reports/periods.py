"""The periods of the management reports and when each is sent. Pure; no ORM.

A working day is a weekday that is not in the ``REPORT_NON_WORKING_DAYS`` setting (public
holidays, given as ISO dates). The daily report sent on a working day covers the days since
the previous working day (Monday's covers Friday to Sunday); the weekly report goes on
Mondays for the week just ended (Monday to Sunday); the monthly on the first working day of
a month for the month just ended; the annual on the first working day of a year.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

DAILY, WEEKLY, MONTHLY, SPECIAL, ANNUAL = "daily", "weekly", "monthly", "special", "annual"
KINDS = (DAILY, WEEKLY, MONTHLY, SPECIAL, ANNUAL)
SCHEDULED_KINDS = (DAILY, WEEKLY, MONTHLY, ANNUAL)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def holidays_from(text: str) -> frozenset[date]:
    """The ISO dates in a setting's text ("2027-01-01, 2027-02-16 …"); other words ignored."""
    return frozenset(date.fromisoformat(found) for found in _ISO_DAY.findall(text or ""))


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def previous_working_day(day: date, holidays: Collection[date] = ()) -> date:
    before = day - timedelta(days=1)
    while not is_working_day(before, holidays):
        before -= timedelta(days=1)
    return before


def first_working_day(start: date, holidays: Collection[date] = ()) -> date:
    """The first working day on or after ``start``."""
    day = start
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def month_bounds(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def month_of(text: str) -> date:
    """``YYYY-MM`` → its first day (ValueError otherwise)."""
    if not re.fullmatch(r"\d{4}-\d{2}", text or ""):
        raise ValueError(f"not a month in the form YYYY-MM: {text!r}")
    return date.fromisoformat(f"{text}-01")


@dataclass(frozen=True)
class Period:
    """What one scheduled report covers: ``first_day`` … ``last_day``, named by ``key``."""

    kind: str
    first_day: date
    last_day: date
    key: str


def due_periods(day: date, holidays: Collection[date] = ()) -> list[Period]:
    """The reports due on ``day`` (nothing on a day off), with the period each covers."""
    if not is_working_day(day, holidays):
        return []
    yesterday = day - timedelta(days=1)
    previous = previous_working_day(day, holidays)
    due = [Period(DAILY, previous, yesterday, yesterday.isoformat())]
    if day.weekday() == 0:
        monday = week_start(yesterday)
        iso_year, iso_week, _ = monday.isocalendar()
        due.append(Period(WEEKLY, monday, yesterday, f"{iso_year}-W{iso_week:02d}"))
    if day == first_working_day(day.replace(day=1), holidays):
        first, last = month_bounds(day.replace(day=1) - timedelta(days=1))
        due.append(Period(MONTHLY, first, last, f"{first:%Y-%m}"))
        if day.month == 1:
            due.append(
                Period(ANNUAL, date(day.year - 1, 1, 1), date(day.year - 1, 12, 31), str(day.year - 1))
            )
    return due


def report_day(
    *, kind: str, today: date, day: date | None = None, month: str | None = None, year: int | None = None
) -> date:
    """The last day a report asked for covers: a day as given; a month's last day (today in
    the month under way); a year's last day (today in the year under way). Without any, the
    default reader's choice: yesterday's daily report, this week's, last month's, this year's."""
    if kind == MONTHLY and month:
        first, last = month_bounds(month_of(month))
        return min(last, today) if first <= today else last
    if kind == ANNUAL and year:
        first, last = date(int(year), 1, 1), date(int(year), 12, 31)
        return min(last, today) if first <= today else last
    if day is not None:
        return day
    if kind == DAILY:
        return today - timedelta(days=1)
    if kind == MONTHLY:
        return today.replace(day=1) - timedelta(days=1)
    return today
