"""Business dates: plain ``date`` values in the company's time zone."""

from __future__ import annotations

from datetime import date, timedelta


def days_before(day: date, days: int) -> date:
    """``day`` less ``days``, or the first day of the calendar when that falls before it."""
    try:
        return day - timedelta(days=days)
    except OverflowError:
        return date.min
