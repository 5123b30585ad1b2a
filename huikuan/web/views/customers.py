"""Customers: a searchable, sortable list with balances, and one customer's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from huikuan.accounts.access import access_customers, access_invoices
from huikuan.collections.late_interest import customer_late_interest
from huikuan.reporting.receivables import customer_audit_entries, customer_ledger, customers_with_balances
from huikuan.web.views.advances import advance_section
from huikuan.web.views.common import page_of, staff_page, template_for
from huikuan.web.views.statements import customer_section
from huikuan.web.views.write_offs import write_off_section

SORTS = {"code", "name", "open_balance", "overdue"}
LEDGER_PAGE = 25  # ledger entries a page; the customer page opens on the latest
HISTORY_SHOWN = 20
OPEN_SHOWN = 20  # the oldest due; the rest on the invoice list


@staff_page
def customer_list(request):
    today = timezone.localdate()
    customers = customers_with_balances(customers=access_customers(user=request.user), as_of=today)
    search = request.GET.get("q", "").strip()
    if search:
        customers = customers.filter(Q(code__icontains=search) | Q(name__icontains=search))
    sort = request.GET.get("sort", "code")
    if sort.lstrip("-") not in SORTS:
        sort = "code"
    customers = customers.order_by(sort, "code")
    context = {"page": page_of(request, customers), "search": search, "sort": sort, "as_of": today}
    return render(request, template_for(request, "web/customers.html", "web/_customers_table.html"), context)


@staff_page
def customer_detail(request, code: str):
    today = timezone.localdate()
    scoped = customers_with_balances(customers=access_customers(user=request.user), as_of=today)
    customer = get_object_or_404(scoped, code=code)
    invoices = access_invoices(user=request.user)
    open_invoices = invoices.filter(customer=customer, closed_on__isnull=True).order_by("due_date", "number")
    # The running balance needs every entry before the page: the whole ledger is read, one page shown.
    ledger = Paginator(customer_ledger(customer=customer), LEDGER_PAGE)
    ledger_page = ledger.get_page(request.GET.get("ledger_page") or ledger.num_pages)
    context = {
        "customer": customer,
        "as_of": today,
        "open_invoices": open_invoices[:OPEN_SHOWN],
        "open_count": open_invoices.count(),
        "ledger": ledger_page,
        "portal_users": customer.portal_users.select_related("user"),
        "history": customer_audit_entries(customer=customer, invoices=invoices, limit=HISTORY_SHOWN),
        "history_shown": HISTORY_SHOWN,
        "late_interest": customer_late_interest(customer=customer, as_of=today),
        **customer_section(request, customer),
        **write_off_section(request, customer),
        **advance_section(request, customer),
    }
    return render(request, "web/customer.html", context)
