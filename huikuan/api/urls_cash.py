"""Cash-application routes of the REST API."""

from django.urls import path

from huikuan.api.cash import views

urlpatterns: list = [
    path("cash/lines/", views.BankLineListView.as_view(), name="cash-lines"),
    path("cash/lines/<int:pk>/", views.BankLineDetailView.as_view(), name="cash-line"),
    path("cash/lines/<int:pk>/accept/", views.AcceptView.as_view(), name="cash-accept"),
    path("cash/lines/<int:pk>/split/", views.SplitView.as_view(), name="cash-split"),
    path("cash/lines/<int:pk>/write-off/", views.WriteOffView.as_view(), name="cash-write-off"),
    path("cash/lines/<int:pk>/on-account/", views.OnAccountView.as_view(), name="cash-on-account"),
    path("cash/lines/<int:pk>/not-customer/", views.NotCustomerView.as_view(), name="cash-not-customer"),
    path("cash/lines/<int:pk>/undo/", views.UndoView.as_view(), name="cash-undo"),
]
