"""Collections pages (SPEC §6): the collector's worklist, a customer's collections timeline,
the dunning ladder's editor, the daily runs and collections reporting.

Every customer and task is fetched through the user's scope (``huikuan.collections.desk``):
one out of it is 404. Writes call one collections service inside ``audit_context``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huikuan.accounts.access import access_customer_ids
from huikuan.accounts.permissions import may, require
from huikuan.collections.delivery import delivery_progress
from huikuan.collections.desk import (
    access_collection_customers,
    access_tasks,
    call_log,
    dunning_policy_update,
    dunning_step_update,
)
from huikuan.collections.labels import SEGMENTS as SEGMENT_LABELS
from huikuan.collections.models import (
    ActivityKind,
    CallOutcome,
    Channel,
    Dispute,
    DisputeReason,
    DisputeStatus,
    DunningAction,
    DunningPolicy,
    DunningRun,
    DunningStep,
    OverdueReasonCode,
    OwnerRole,
    PaymentPlan,
    PenaltyKind,
    PromiseToPay,
)
from huikuan.collections.performance import (
    collections_performance,
    overdue_clearance,
    overdue_reason_breakdown,
)
from huikuan.collections.run import dunning_run, dunning_run_enqueue
from huikuan.collections.segments import SEGMENTS
from huikuan.collections.selectors import (
    access_dunning_actions,
    customer_timeline,
    promise_duplicate,
    worklist_for,
)
from huikuan.collections.services import (
    activity_log,
    dispute_open,
    dispute_resolve,
    overdue_reason_set,
    penalty_apply,
    plan_create,
    promise_make,
)
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Sheet, csv_bytes, xlsx_bytes
from huikuan.core.limits import COUNT_MAX, DAYS_MAX
from huikuan.core.money import amount_text
from huikuan.correspondence.models import Letter, OutboundEmail
from huikuan.jobs.models import STATE_LABELS
from huikuan.jobs.selectors import jobs_overview
from huikuan.ledger.models import CreditClass, Invoice
from huikuan.reporting.exports import clearance_sheet, performance_sheet, reasons_sheet
from huikuan.web.charts import bar_chart
from huikuan.web.fields import BusinessDateField, TextField
from huikuan.web.views.common import page_for
from huikuan.web.widgets import IsoDateInput

SOURCE = "web:collections"
# The outcomes of the worklist's one-click form (the rest are logged on the timeline).
WORKLIST_OUTCOMES = (
    CallOutcome.REACHED,
    CallOutcome.NO_ANSWER,
    CallOutcome.PROMISED,
    CallOutcome.DISPUTED,
    CallOutcome.REFUSED,
)


def collections_page(permission: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def _day(request: HttpRequest, name: str = "date", default: date | None = None) -> date:
    text = request.GET.get(name, "")
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        day = None
    # The ladder counts back and forth from the day: keep it well inside the calendar.
    if day is None or not 1900 <= day.year <= 9000:
        return default or timezone.localdate()
    return day


def _money(required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=gettext_lazy("Amount"), max_digits=18, decimal_places=2, min_value=0, required=required
    )


def _date_field(label: str, required: bool = True) -> forms.DateField:
    return BusinessDateField(label=label, required=required, widget=IsoDateInput())


# --- 1. The worklist -------------------------------------------------------------------------


class CallForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=[(o.value, o.label) for o in WORKLIST_OUTCOMES]
    )
    note = TextField(label=gettext_lazy("Note"), required=False, max_length=2000)
    promised_date = _date_field(gettext_lazy("Promised date"), required=False)
    amount = _money(required=False)
    invoice = TextField(label=gettext_lazy("Invoice"), required=False)
    reason_code = forms.ChoiceField(
        label=gettext_lazy("Reason"), choices=[("", "—"), *DisputeReason.choices], required=False
    )

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == CallOutcome.PROMISED and not (data.get("promised_date") and data.get("amount")):
            raise forms.ValidationError(_("A promise to pay needs its date and amount."))
        if outcome == CallOutcome.DISPUTED and not (data.get("amount") and data.get("reason_code")):
            raise forms.ValidationError(_("A dispute needs its amount and reason."))
        return data


def _duplicate_warning(promise: PromiseToPay) -> str:
    return _(
        "This customer's promise of %(amount)s by %(date)s was already recorded on %(made_on)s: "
        "it is not recorded twice."
    ) % {
        "amount": amount_text(promise.amount, promise.currency),
        "date": promise.promised_date.isoformat(),
        "made_on": promise.made_on.isoformat(),
    }


def _task_item(task: DunningAction, day: date):
    for item in worklist_for(user=task.assigned_to, date=max(day, task.action_date)):
        if item.task.pk == task.pk:
            return item
    raise Http404


@collections_page("collections.view_dunningaction")
def worklist(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    items = worklist_for(user=request.user, date=day)
    return render(
        request,
        "web/collections/worklist.html",
        {"items": items, "as_of": day, "form": CallForm(), "outcomes": WORKLIST_OUTCOMES},
    )


@collections_page("collections.view_dunningaction")
def worklist_task(request: HttpRequest, pk: int) -> HttpResponse:
    """A task's details, opened in place (htmx): open items, last contacts, promises."""
    task = get_object_or_404(access_tasks(user=request.user), pk=pk, channel=Channel.PHONE)
    item = _task_item(task, _day(request))
    return render(request, "web/collections/_task_details.html", {"item": item, "as_of": _day(request)})


@require_POST
@page_for("task.complete")
def worklist_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(access_tasks(user=request.user), pk=pk, channel=Channel.PHONE)
    form = CallForm(request.POST)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        promise = dispute = None
        if data["outcome"] == CallOutcome.PROMISED:
            promise = {"promised_date": data["promised_date"], "amount": data["amount"]}
        if data["outcome"] == CallOutcome.DISPUTED:
            number = data["invoice"] or (task.invoice_number_list or [""])[0]
            invoice = Invoice.objects.filter(customer_id=task.customer_id, number=number).first()
            dispute = {"invoice": invoice, "amount": data["amount"], "reason_code": data["reason_code"]}
            if invoice is None:
                form.add_error("invoice", _("No such invoice of this customer."))
        duplicate = (
            promise_duplicate(
                customer=task.customer, amount=data["amount"], promised_date=data["promised_date"]
            )
            if promise
            else None
        )
        if form.is_valid():
            try:
                with audit_context(actor=request.user, source=SOURCE):
                    call_log(
                        task=task,
                        user=request.user,
                        outcome=data["outcome"],
                        note=data["note"],
                        promise=promise,
                        dispute=dispute,
                        on=max(timezone.localdate(), task.action_date),
                    )
            except ApplicationError as refused:
                error = refused.message
            else:
                done = _("Call with %(customer)s logged: %(outcome)s.") % {
                    "customer": task.customer.name,
                    "outcome": CallOutcome(data["outcome"]).label,
                }
                warning = _duplicate_warning(duplicate) if duplicate else ""
                if request.htmx:
                    return render(
                        request,
                        "web/collections/_task_done.html",
                        {"task": task, "done": done, "warning": warning},
                    )
                messages.success(request, done)
                if warning:
                    messages.warning(request, warning)
                return redirect("web:worklist")
    if not error:
        error = "; ".join(message for messages_ in form.errors.values() for message in messages_)
    if request.htmx:
        # htmx swaps only 2xx answers: the refusal replaces the task row.
        return render(request, "web/collections/_task_error.html", {"task": task, "error": error})
    messages.error(request, error)
    return redirect("web:worklist")


# --- 2. A customer's collections timeline -------------------------------------------------------


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ActivityKind.choices)
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=[("", "—"), *CallOutcome.choices], required=False
    )
    occurred_on = _date_field(gettext_lazy("Date"))
    note = TextField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PromiseForm(forms.Form):
    promised_date = _date_field(gettext_lazy("Promised date"))
    amount = _money()


class DisputeForm(forms.Form):
    invoice = TextField(label=gettext_lazy("Invoice"))
    amount = _money()
    reason_code = forms.ChoiceField(label=gettext_lazy("Reason"), choices=DisputeReason.choices)
    description = TextField(label=gettext_lazy("Description"), required=False)


class ResolveForm(forms.Form):
    resolution = TextField(label=gettext_lazy("Resolution"))
    root_cause = TextField(label=gettext_lazy("Root cause"), required=False)


class PlanForm(forms.Form):
    starts_on = _date_field(gettext_lazy("Starts on"))
    instalments = TextField(
        label=gettext_lazy("Instalments"),
        help_text=gettext_lazy("One a line: date amount, e.g. 2026-04-30 5000.00"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = TextField(label=gettext_lazy("Note"), required=False)

    def clean_instalments(self):
        rows = []
        for line in self.cleaned_data["instalments"].splitlines():
            if not line.strip():
                continue
            try:
                day, amount = line.split()
                rows.append((date.fromisoformat(day), _decimal(amount)))
            except (ValueError, ArithmeticError):
                raise forms.ValidationError(
                    _("Not a date and an amount: %(line)s") % {"line": line}
                ) from None
        return rows


def _decimal(text: str):
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None


class ReasonForm(forms.Form):
    code = forms.ChoiceField(label=gettext_lazy("Overdue reason"), choices=OverdueReasonCode.choices)
    note = TextField(label=gettext_lazy("Note"), required=False)


class PenaltyForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Penalty"), choices=PenaltyKind.choices)
    proposed_class = forms.ChoiceField(
        label=gettext_lazy("Proposed class"), choices=[("", "—"), *CreditClass.choices], required=False
    )
    reason = TextField(label=gettext_lazy("Reason"))


@collections_page("collections.view_activity")
def customer_collections(request: HttpRequest, code: str) -> HttpResponse:
    customer = get_object_or_404(access_collection_customers(user=request.user), code=code)
    today = timezone.localdate()
    context = {
        "customer": customer,
        "as_of": today,
        "timeline": customer_timeline(customer=customer),
        "promises": PromiseToPay.objects.filter(customer=customer),
        "plans": PaymentPlan.objects.filter(customer=customer).prefetch_related("instalments"),
        "disputes": Dispute.objects.filter(customer=customer).select_related("invoice"),
        "reason": customer.overdue_reasons.first(),
        "actions": DunningAction.objects.filter(customer=customer)[:50],
        "letters": Letter.objects.filter(customer=customer).order_by("-id")[:50],
        "emails": OutboundEmail.objects.filter(customer=customer).order_by("-id")[:50],
        "activity_form": ActivityForm(initial={"occurred_on": today, "kind": ActivityKind.CALL}),
        "promise_form": PromiseForm(),
        "dispute_form": DisputeForm(),
        "resolve_form": ResolveForm(),
        "plan_form": PlanForm(initial={"starts_on": today}),
        "reason_form": ReasonForm(),
        "penalty_form": PenaltyForm(),
        "may_penalise": may(request.user, "penalty.propose"),
        "may_work": may(request.user, "activity.log"),
    }
    return render(request, "web/collections/customer.html", context)


def _customer_write(action: str, form_class: type[forms.Form]) -> Callable:
    """A POST on a customer's timeline: scope, form, one service call audited, back to the page."""

    def decorate(write: Callable) -> Callable:
        @require_POST
        @page_for(action)
        @wraps(write)
        def view(request: HttpRequest, code: str, **kwargs) -> HttpResponse:
            customer = get_object_or_404(access_collection_customers(user=request.user), code=code)
            form = form_class(request.POST)
            if not form.is_valid():
                errors = "; ".join(m for field_errors in form.errors.values() for m in field_errors)
                messages.error(request, errors)
            else:
                try:
                    with audit_context(actor=request.user, source=SOURCE):
                        done = write(request, customer, form.cleaned_data, **kwargs)
                except ApplicationError as refused:
                    messages.error(request, refused.message)
                else:
                    if done:
                        messages.success(request, done)
            return redirect("web:customer_collections", code=customer.code)

        return view

    return decorate


@_customer_write("activity.log", ActivityForm)
def activity_add(request, customer, data) -> str:
    activity_log(
        customer=customer,
        kind=data["kind"],
        outcome=data["outcome"],
        occurred_on=data["occurred_on"],
        user=request.user,
        note=data["note"],
    )
    return _("Activity logged.")


@_customer_write("promise.make", PromiseForm)
def promise_add(request, customer, data) -> str:
    duplicate = promise_duplicate(
        customer=customer, amount=data["amount"], promised_date=data["promised_date"]
    )
    if duplicate is not None:
        messages.warning(request, _duplicate_warning(duplicate))
        return ""
    promise_make(
        customer=customer,
        promised_date=data["promised_date"],
        amount=data["amount"],
        made_on=timezone.localdate(),
        made_by=request.user,
    )
    return _("Promise to pay recorded.")


@_customer_write("dispute.open", DisputeForm)
def dispute_add(request, customer, data) -> str:
    invoice = Invoice.objects.filter(customer=customer, number=data["invoice"]).first()
    if invoice is None:
        raise ApplicationError(_("No such invoice of this customer."))
    dispute_open(
        invoice=invoice,
        amount=data["amount"],
        reason_code=data["reason_code"],
        owner=request.user,
        opened_on=timezone.localdate(),
        opened_by=request.user,
        description=data["description"],
    )
    return _("Dispute opened.")


@_customer_write("dispute.resolve", ResolveForm)
def dispute_close(request, customer, data, pk: int) -> str:
    dispute = get_object_or_404(Dispute, pk=pk, customer=customer, status=DisputeStatus.OPEN)
    dispute_resolve(
        dispute=dispute,
        resolution=data["resolution"],
        root_cause=data["root_cause"],
        resolved_on=timezone.localdate(),
    )
    return _("Dispute resolved.")


@_customer_write("plan.create", PlanForm)
def plan_add(request, customer, data) -> str:
    plan_create(
        customer=customer,
        starts_on=data["starts_on"],
        instalments=data["instalments"],
        created_by=request.user,
        note=data["note"],
    )
    return _("Payment plan set.")


@_customer_write("overdue_reason.set", ReasonForm)
def reason_set(request, customer, data) -> str:
    overdue_reason_set(
        customer=customer,
        code=data["code"],
        noted_on=timezone.localdate(),
        noted_by=request.user,
        note=data["note"],
    )
    return _("Overdue reason set.")


@_customer_write("penalty.propose", PenaltyForm)
def penalty_add(request, customer, data) -> str:
    penalty_apply(
        customer=customer,
        kind=data["kind"],
        decided_on=timezone.localdate(),
        decided_by=request.user,
        reason=data["reason"],
        proposed_class=data["proposed_class"],
    )
    return _("Penalty proposed.")


# Anyone who works the customer reads its letters; the scope decides which.
@collections_page("collections.view_dunningaction")
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(
        Letter.objects.filter(customer__in=access_collection_customers(user=request.user)), pk=pk
    )
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.reference}.pdf"'
    return response


# --- 3. The dunning ladder ---------------------------------------------------------------------


class PolicyForm(forms.Form):
    name = TextField(label=gettext_lazy("Name"), max_length=200)
    credit_classes = forms.MultipleChoiceField(
        label=gettext_lazy("Credit classes"),
        choices=CreditClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_segments = forms.MultipleChoiceField(
        label=gettext_lazy("Risk segments"),
        choices=[(segment, SEGMENT_LABELS.get(segment, segment)) for segment in SEGMENTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priority = forms.IntegerField(label=gettext_lazy("Priority"), min_value=0, max_value=COUNT_MAX)
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False)


class StepForm(forms.Form):
    name_zh = TextField(label=gettext_lazy("Name (Chinese)"), max_length=100)
    name_en = TextField(label=gettext_lazy("Name (English)"), max_length=100)
    day_offset = forms.IntegerField(
        label=gettext_lazy("Days after the due date"), min_value=-DAYS_MAX, max_value=DAYS_MAX
    )
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    owner_role = forms.ChoiceField(label=gettext_lazy("Owner"), choices=OwnerRole.choices)
    email_template = TextField(label=gettext_lazy("Email template"), max_length=64, required=False)
    letter_template = TextField(label=gettext_lazy("Letter template"), max_length=64, required=False)
    attach_statement = forms.BooleanField(label=gettext_lazy("Attach the statement (PDF)"), required=False)
    credit_hold = forms.BooleanField(label=gettext_lazy("Credit hold"), required=False)
    case_to_legal = forms.BooleanField(label=gettext_lazy("Case to legal"), required=False)
    write_off_review = forms.BooleanField(label=gettext_lazy("Write-off review"), required=False)


def _step_initial(step: DunningStep) -> dict:
    return {name: getattr(step, name) for name in StepForm.base_fields}


@collections_page("collections.view_dunningpolicy")
def policies(request: HttpRequest) -> HttpResponse:
    rows = []
    for policy in DunningPolicy.objects.prefetch_related("steps"):
        form = PolicyForm(
            initial={
                "name": policy.name,
                "credit_classes": policy.credit_classes,
                "risk_segments": policy.risk_segments,
                "priority": policy.priority,
                "active": policy.active,
            },
            prefix=f"policy{policy.pk}",
        )
        steps = [
            (step, StepForm(initial=_step_initial(step), prefix=f"step{step.pk}"))
            for step in policy.steps.all()
        ]
        rows.append((policy, form, steps))
    return render(
        request,
        "web/collections/policies.html",
        {"rows": rows, "may_edit": may(request.user, "policy.edit")},
    )


def _apply(
    request: HttpRequest, form: forms.Form, write: Callable[[dict], object], done: str
) -> HttpResponse:
    if not form.is_valid():
        messages.error(request, "; ".join(m for errors in form.errors.values() for m in errors))
    else:
        try:
            with audit_context(actor=request.user, source=SOURCE):
                write(form.cleaned_data)
        except ApplicationError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, done)
    return redirect("web:dunning_policies")


@require_POST
@page_for("policy.edit")
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(DunningPolicy, pk=pk)
    return _apply(
        request,
        PolicyForm(request.POST, prefix=f"policy{policy.pk}"),
        lambda data: dunning_policy_update(policy=policy, **data),
        _("Policy %(policy)s saved.") % {"policy": policy.name},
    )


@require_POST
@page_for("step.edit")
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(DunningStep, pk=pk)
    return _apply(
        request,
        StepForm(request.POST, prefix=f"step{step.pk}"),
        lambda data: dunning_step_update(step=step, **data),
        _("Step %(step)s saved.") % {"step": step.code},
    )


# --- 4. Dunning runs ---------------------------------------------------------------------------


class RunForm(forms.Form):
    date = _date_field(gettext_lazy("Date"))
    dry_run = forms.BooleanField(label=gettext_lazy("Dry run"), required=False)


@collections_page("collections.view_dunningrun")
def runs(request: HttpRequest) -> HttpResponse:
    day = _day(request, default=None) if request.GET.get("date") else None
    result = None
    form = RunForm(initial={"date": timezone.localdate(), "dry_run": True})
    if request.method == "POST":
        require(request.user, "dunning.run")
        form = RunForm(request.POST)
        if form.is_valid() and not form.cleaned_data["dry_run"]:
            # The run and its deliveries are done by a worker: the page answers at once and
            # shows the delivery's progress.
            run_date = form.cleaned_data["date"]
            dunning_run_enqueue(date=run_date, started_by=request.user.get_username())
            messages.success(
                request,
                _("The run for %(date)s is queued; its delivery is shown below as it goes.")
                % {"date": run_date.isoformat()},
            )
            return redirect(f"{request.path}?date={run_date.isoformat()}")
        if form.is_valid():
            try:
                with audit_context(actor=request.user, source=SOURCE):
                    result = dunning_run(date=form.cleaned_data["date"], dry_run=True)
            except ApplicationError as refused:
                messages.error(request, refused.message)
            else:
                day = result.date
    actions = (
        access_dunning_actions(user=request.user).filter(action_date=day).order_by("customer__code")
        if day
        else []
    )
    return render(
        request,
        "web/collections/runs.html",
        {
            "runs": DunningRun.objects.all()[:60],
            "day": day,
            "actions": actions,
            "result": result,
            "form": form,
            "may_run": may(request.user, "dunning.run"),
            "progress": delivery_progress(run_date=day) if day else None,
            "jobs": [
                {
                    **job,
                    "state_label": STATE_LABELS.get(job["last_status"], ""),
                    "lease_until": parse_datetime((job["last_run"] or {}).get("lease_expires_at") or ""),
                }
                for job in jobs_overview()
            ],
        },
    )


@collections_page("collections.view_dunningrun")
def run_progress(request: HttpRequest) -> HttpResponse:
    """The delivery of a date, polled by the runs page (HTMX) until it has finished."""
    day = _day(request)
    return render(
        request,
        "web/collections/_run_progress.html",
        {"day": day, "progress": delivery_progress(run_date=day)},
    )


# --- 5. Reporting ------------------------------------------------------------------------------


@collections_page("collections.view_dunningaction")
def reports(request: HttpRequest) -> HttpResponse:
    end = _day(request, "end")
    start = _day(request, "start", default=end - timedelta(days=30))
    by = request.GET.get("by", "collector")
    if by not in ("collector", "team"):
        by = "collector"
    # Collectors and salespeople see the figures of their own customers only (SPEC §1).
    mine = access_customer_ids(user=request.user)
    performance = collections_performance(start=start, end=end, by=by, customer_ids=mine)
    clearance = overdue_clearance(start=start, as_of=end, by=by, customer_ids=mine)
    reasons = overdue_reason_breakdown(as_of=end, customer_ids=mine)
    labels = dict(OverdueReasonCode.choices)
    labelled_reasons = [(labels.get(row.reason, row.reason or _("none")), row) for row in reasons]
    if request.GET.get("format") in ("csv", "xlsx"):
        sheets = {
            "performance": performance_sheet(performance, by=by),
            "clearance": clearance_sheet(clearance, by=by),
            "reasons": reasons_sheet(labelled_reasons),
        }
        return _report_file(request, sheets, f"collections-{start}-{end}-{by}")
    chart = bar_chart(
        [(str(labels.get(row.reason, row.reason or _("none"))), row.overdue_balance) for row in reasons]
    )
    return render(
        request,
        "web/collections/reports.html",
        {
            "start": start,
            "end": end,
            "start_iso": start.isoformat(),
            "end_iso": end.isoformat(),
            "by": by,
            "performance": performance,
            "clearance": clearance,
            "reasons": labelled_reasons,
            "chart": chart,
        },
    )


def _report_file(request: HttpRequest, sheets: dict[str, Sheet], name: str) -> HttpResponse:
    """format=xlsx: one workbook with every table of the page; format=csv: one table
    (``table=performance|clearance|reasons``, performance by default)."""
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(xlsx_bytes(*sheets.values()), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    table = request.GET.get("table", "performance")
    if table not in sheets:
        table = "performance"
    response = HttpResponse(csv_bytes(sheets[table]), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}-{table}.csv"'
    return response
