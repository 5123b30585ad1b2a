"""Collections routes of the REST API."""

from django.urls import path

from huikuan.api import collections

urlpatterns: list = [
    path("worklist/", collections.WorklistView.as_view(), name="worklist"),
    path("worklist/<int:pk>/complete/", collections.WorklistCompleteView.as_view(), name="worklist-complete"),
    path(
        "collections/customers/<str:code>/",
        collections.CustomerCollectionsView.as_view(),
        name="customer-collections",
    ),
    path(
        "collections/customers/<str:code>/activities/",
        collections.ActivityCreateView.as_view(),
        name="collections-activities",
    ),
    path(
        "collections/customers/<str:code>/promises/",
        collections.PromiseCreateView.as_view(),
        name="collections-promises",
    ),
    path(
        "collections/customers/<str:code>/payment-plans/",
        collections.PlanCreateView.as_view(),
        name="collections-plans",
    ),
    path(
        "collections/customers/<str:code>/disputes/",
        collections.DisputeCreateView.as_view(),
        name="collections-disputes",
    ),
    path(
        "collections/customers/<str:code>/overdue-reason/",
        collections.OverdueReasonView.as_view(),
        name="collections-overdue-reason",
    ),
    path(
        "collections/customers/<str:code>/penalties/",
        collections.PenaltyView.as_view(),
        name="collections-penalties",
    ),
    path(
        "collections/disputes/<int:pk>/resolve/",
        collections.DisputeResolveView.as_view(),
        name="collections-dispute-resolve",
    ),
    path("dunning/policies/", collections.PolicyListView.as_view(), name="dunning-policies"),
    path("dunning/policies/<slug:code>/", collections.PolicyDetailView.as_view(), name="dunning-policy"),
    path("dunning/run", collections.RunView.as_view(), name="dunning-run"),
    path("dunning/runs/<str:day>/progress", collections.RunProgressView.as_view(), name="dunning-progress"),
]
