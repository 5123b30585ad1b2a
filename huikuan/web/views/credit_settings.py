"""Business settings: every number of credit management, the value in force beside its default.

A credit manager or an administrator changes a value or puts back its default; the change
goes through ``huikuan.core.policy`` (audited). Nested settings (thresholds by class, term
days by class…) show one field per number. Approval thresholds are steps of the approval
chains, edited on the chains page.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may, require
from huikuan.approvals.selectors import approval_chains
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.core.policy import policy_defaults, policy_reset, policy_set, policy_values
from huikuan.credit.benchmarks import (
    BENCHMARKS,
    benchmark_margin_remove,
    benchmark_margin_set,
    benchmarks_by_department,
)
from huikuan.credit.interest_rates import lpr_rate_add, lpr_table
from huikuan.web import labels
from huikuan.web.credit_forms import LprForm
from huikuan.web.labels import approval_kind as kind_label
from huikuan.web.views.common import staff_page

# The functional currency changes the meaning of every stored amount: shown, not edited here.
READ_ONLY = frozenset({"FUNCTIONAL_CURRENCY"})
# Settings with an editor of their own on the page (a mapping whose keys the user adds).
OWN_EDITORS = frozenset({BENCHMARKS})
GROUPS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (
        _("Credit terms"),
        (
            "TERM_DAYS_BY_CLASS",
            "DEFAULT_TERM_DAYS",
            "TERM_START_DELAY_DAYS",
            "MAX_TERM_EXTENSION_DAYS",
            "CREDIT_EXTENSION_CLASSES",
        ),
    ),
    (
        _("Overdue, fees and holds"),
        ("OVERDUE_FEE_ANNUAL_RATE", "CREDIT_BLOCK_OVERDUE_DAYS", "CREDIT_HOLD_OVERDUE_DAYS"),
    ),
    (
        _("Monthly classification"),
        (
            "CREDIT_SCORE_MAXIMA",
            "CREDIT_CLASS_THRESHOLDS",
            "CREDIT_REVENUE_SHARE_BASE",
            "CREDIT_REVENUE_FACTOR",
            "CREDIT_BENCHMARK_MARGIN",
            "CREDIT_PAYMENT_TARGET_RATE",
            "CREDIT_INDUSTRY_POINTS",
            "CREDIT_REVENUE_CONFIRMED_BY_MARKET",
            "CREDIT_CLASS_AUTO_APPLY",
        ),
    ),
    (_("Price approval"), ("PRICE_APPROVAL_TARGET_SHARE", "PRICE_APPROVAL_FOR_AB")),
    (_("Late-payment interest"), ("LATE_INTEREST_DAILY_RATE", "LATE_INTEREST_FROM")),
    (
        _("Collections"),
        (
            "COLLECTIONS_PREMIUM_MAX_DAYS_PAID_LATE",
            "COLLECTIONS_HIGH_RISK_DAYS_PAID_LATE",
            "COLLECTIONS_PAYMENT_HISTORY_DAYS",
            "COLLECTIONS_CHECK_IN_DAYS_BY_CLASS",
            "COLLECTIONS_BROKEN_PROMISE_LOOKBACK_DAYS",
            "COLLECTIONS_LATE_PROBABILITY_BY_SEGMENT",
            "COLLECTIONS_LATE_PROBABILITY_PER_30_DAYS",
            "RISK_SEGMENT_THRESHOLDS",
            "RISK_MIN_SETTLED_INVOICES",
            "RISK_SCORE_MAX_AGE_DAYS",
            "RISK_RETRAIN_NEW_INVOICES",
            "COLLECTIONS_WORKLIST_CONTACTS",
            "COLLECTIONS_ATTRIBUTION_DAYS",
            "COLLECTIONS_TEAM_ASSIGNEE",
            "COLLECTIONS_LEGAL_ASSIGNEE",
            "LETTER_PAYMENT_DAYS",
        ),
    ),
    (
        _("Statements of account"),
        ("STATEMENT_SCHEDULE_DEFAULT", "STATEMENT_SEND_DAY", "STATEMENT_LINK_DAYS"),
    ),
    (_("Write-offs"), ("WRITE_OFF_CFO_THRESHOLD", "WRITE_OFF_EVIDENCE_MAX_BYTES", "TAIL_WRITE_OFF_UNDER")),
    (_("Red-letter corrections"), ("RED_LETTER_LAPSE_HOURS",)),
    (
        _("Management reports"),
        (
            "REPORT_TARGET_COLLECTION_RATE",
            "REPORT_TARGET_COLLECTION_CYCLE_DAYS",
            "REPORT_TARGET_BAD_DEBT_RATIO",
            "REPORT_TARGET_OVERDUE_CLEARANCE",
            "REPORT_TREND_WEEKS",
            "REPORT_TREND_MONTHS",
            "REPORT_NON_WORKING_DAYS",
        ),
    ),
)


def _may_edit(user) -> bool:
    return may(user, "settings.edit")


def _leaves(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """A setting as (path, number) pairs: a dict of dicts gives one pair per number."""
    if isinstance(value, dict):
        pairs = []
        for name, inner in value.items():
            pairs.extend(_leaves(inner, (*path, str(name))))
        return pairs
    return [(path, "" if value is None else value)]  # None (not set): an empty field


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Decimal | int):
        return "number"
    return "text"


def _rows(values: dict[str, Any], defaults: dict[str, Any], key: str) -> list[dict]:
    default_at = dict(_leaves(defaults[key]))
    choices = labels.setting_choices(key)
    words = dict(choices)
    return [
        {
            "name": ":".join(("v", key, *path)),
            "label": " · ".join(labels.label(name, "sub_key") for name in path),
            "value": value,
            "default": words.get(default_at.get(path), default_at.get(path))
            if choices
            else default_at.get(path),
            "changed": default_at.get(path) != value,
            "kind": "choice" if choices and not path else _kind(value),
            # A value no longer among the choices stays listed, so that saving keeps it.
            "choices": choices + ([] if value in words else [(value, value)]) if choices else [],
        }
        for path, value in _leaves(values[key])
    ]


def _posted(value: Any, post, prefix: tuple[str, ...]) -> Any:
    """The posted setting, shaped like the value in force."""
    if isinstance(value, dict):
        return {name: _posted(inner, post, (*prefix, str(name))) for name, inner in value.items()}
    return post.get(":".join(prefix), "").strip()


def _settings_context(request, lpr_form=None) -> dict:
    values, defaults = policy_values(), policy_defaults()
    grouped = {key for _title, keys in GROUPS for key in keys}
    others = tuple(sorted(key for key in defaults if key not in grouped and key not in OWN_EDITORS))
    groups = [
        {
            "title": title,
            "settings": [
                {
                    "key": key,
                    "label": labels.setting_label(key),
                    "help": labels.setting_help(key),
                    "rows": _rows(values, defaults, key),
                    "read_only": key in READ_ONLY,
                }
                for key in keys
                if key in defaults
            ],
        }
        for title, keys in (*GROUPS, (_("Other settings"), others))
        if keys
    ]
    chains = [
        {"kind": kind, "label": kind_label(kind), "steps": steps}
        for kind, steps in sorted(approval_chains().items())
    ]
    return {
        "groups": groups,
        "chains": chains,
        "may_edit": _may_edit(request.user),
        "lpr_rows": list(reversed(lpr_table())),
        "lpr_form": lpr_form or LprForm(prefix="lpr"),
        **_benchmarks_context(request),
    }


def _departments(user):
    return access_customers(user=user).exclude(department="").values_list("department", flat=True)


def _benchmarks_context(request, error: str = "") -> dict:
    return {
        "benchmarks": sorted(benchmarks_by_department().items()),
        "company_benchmark": policy_values()["CREDIT_BENCHMARK_MARGIN"],
        "departments": sorted(
            set(
                access_customers(user=request.user)
                .exclude(department="")
                .values_list("department", flat=True)
            )
        ),
        "benchmark_error": error,
        "may_edit": _may_edit(request.user),
    }


@staff_page
def business_settings(request):
    # Thresholds and fee rates are the business's own: staff only, not customer users.
    require(request.user, "staff.read")
    return render(request, "web/credit/settings.html", _settings_context(request))


@staff_page
@require_POST
def business_setting_save(request, key: str):
    """Change one setting, or put its default back (``reset``)."""
    require(request.user, "settings.edit")
    defaults = policy_defaults()
    if key not in defaults or key in READ_ONLY:
        messages.error(request, _("No such setting: %(key)s") % {"key": key})
        return redirect("web:business-settings")
    try:
        with audit_context(actor=request.user, source="web"):
            if request.POST.get("reset"):
                policy_reset(key=key)
            else:
                value = _posted(policy_values()[key], request.POST, ("v", key))
                policy_set(key=key, value=value, updated_by=request.user.get_username())
    except ApplicationError as refused:
        messages.error(request, refused.message)
        return render(request, "web/credit/settings.html", _settings_context(request), status=409)
    messages.success(request, _("Saved: %(label)s") % {"label": labels.setting_label(key)})
    return redirect(reverse("web:business-settings") + f"#setting-{key}")


@staff_page
@require_POST
def lpr_add(request):
    """Add a published one-year LPR row (the floor of contract late-payment rates)."""
    require(request.user, "interest_rate.set")
    form = LprForm(request.POST, prefix="lpr")
    if form.is_valid():
        try:
            with audit_context(actor=request.user, source="web"):
                lpr_rate_add(**form.cleaned_data, entered_by=request.user.get_username())
        except ApplicationError as refused:
            messages.error(request, refused.message)
            return render(request, "web/credit/settings.html", _settings_context(request, form), status=409)
        messages.success(request, _("LPR added."))
        return redirect(reverse("web:business-settings") + "#lpr")
    return render(request, "web/credit/settings.html", _settings_context(request, form), status=400)


@staff_page
@require_POST
def benchmarks_save(request):
    """Add, change or remove a department's benchmark margin; an HTMX request gets the editor back."""
    require(request.user, "settings.edit")
    error = ""
    try:
        with audit_context(actor=request.user, source="web"):
            if request.POST.get("remove"):
                benchmark_margin_remove(
                    department=request.POST["remove"], updated_by=request.user.get_username()
                )
            else:
                try:
                    margin = Decimal(request.POST.get("margin", "").strip())
                except InvalidOperation:
                    margin = Decimal("NaN")
                benchmark_margin_set(
                    department=request.POST.get("department", ""),
                    margin=margin,
                    updated_by=request.user.get_username(),
                )
    except ApplicationError as refused:
        error = refused.message
    if request.htmx:
        context = _benchmarks_context(request, error)
        # HTMX swaps only a 2xx answer: a refusal comes back as the editor showing its reason.
        return render(request, "web/credit/_benchmarks.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved: %(label)s") % {"label": labels.setting_label(BENCHMARKS)})
    return redirect(reverse("web:business-settings") + "#benchmarks")
