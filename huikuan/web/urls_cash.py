"""The cash-application workbench."""

from django.urls import path

from huikuan.web.views import cash

urlpatterns: list = [
    path("cash/", cash.workbench, name="cash"),
    path("cash/counts/", cash.counts, name="cash_counts"),
    path("cash/customers/", cash.customer_options, name="cash_customers"),
    path("cash/lines/<int:pk>/accept/", cash.accept, name="cash_accept"),
    path("cash/lines/<int:pk>/split/", cash.split, name="cash_split"),
    path("cash/lines/<int:pk>/write-off/", cash.write_off, name="cash_write_off"),
    path("cash/lines/<int:pk>/on-account/", cash.on_account, name="cash_on_account"),
    path("cash/lines/<int:pk>/not-customer/", cash.not_customer, name="cash_not_customer"),
    path("cash/lines/<int:pk>/undo/", cash.undo, name="cash_undo"),
]
