"""Statements routes of the REST API."""

from django.urls import path

from huikuan.api.statements import views

urlpatterns: list = [
    path(
        "statements/customers/<str:code>/", views.CustomerStatementsView.as_view(), name="customer-statements"
    ),
    path("statements/customers/<str:code>/send/", views.StatementSendView.as_view(), name="statement-send"),
    path(
        "statements/customers/<str:code>/schedule/", views.ScheduleView.as_view(), name="statement-schedule"
    ),
    path("statements/<str:reference>/", views.StatementDetailView.as_view(), name="statement"),
]
