"""The features in words: what a collector reads as a score's top reasons."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REASONS = {
    "history_settled": _("few invoices settled so far"),
    "late_share": _("often paid late"),
    "late_amount_share": _("much of its amount paid late"),
    "days_late_mean": _("paid many days late on average"),
    "days_late_recent": _("paid late recently"),
    "days_late_trend": _("paying later than it used to"),
    "days_late_ewma": _("days late rising lately"),
    "late_ewma": _("late more often lately"),
    "late_share_recent": _("late on its last invoices"),
    "late_share_same_due_day": _("late when due at this time of month"),
    "days_late_same_due_day": _("days late when due at this time of month"),
    "late_share_same_month": _("late in this month of the year"),
    "late_share_same_size": _("late on invoices of this size"),
    "days_late_projected": _("getting later along its trend"),
    "pay_day_share": _("pays on a fixed day of the month"),
    "pay_day_before_due": _("due well after its last payment day"),
    "pay_day_after_due": _("its next payment day long after the due date"),
    "days_to_settle_mean": _("slow to settle"),
    "open_count": _("many invoices open"),
    "open_amount_relative": _("large open balance"),
    "overdue_count": _("invoices overdue"),
    "overdue_amount_relative": _("large overdue balance"),
    "oldest_overdue_days": _("an invoice long overdue"),
    "terms_days": _("payment terms"),
    "amount_log": _("invoice amount"),
    "amount_relative": _("invoice larger than usual"),
    "disputed": _("disputed"),
    "month": _("month issued"),
    "due_month": _("month due"),
    "due_day_of_month": _("day of month due"),
    "credit_class": _("credit class"),
    "broken_promises": _("broken promises to pay"),
}
