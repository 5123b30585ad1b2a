"""Collections routes of the REST API."""

from django.urls import path

from huikuan.api.collections import ladder, records, runs, visits, worklist

urlpatterns: list = [
    path("worklist/", worklist.WorklistView.as_view(), name="worklist"),
    path("worklist/<int:pk>/complete/", worklist.WorklistCompleteView.as_view(), name="worklist-complete"),
    path(
        "collections/customers/<str:code>/",
        records.CustomerCollectionsView.as_view(),
        name="customer-collections",
    ),
    path(
        "collections/customers/<str:code>/activities/",
        records.ActivityCreateView.as_view(),
        name="collections-activities",
    ),
    path(
        "collections/customers/<str:code>/promises/",
        records.PromiseCreateView.as_view(),
        name="collections-promises",
    ),
    path(
        "collections/customers/<str:code>/payment-plans/",
        records.PlanCreateView.as_view(),
        name="collections-plans",
    ),
    path(
        "collections/customers/<str:code>/disputes/",
        records.DisputeCreateView.as_view(),
        name="collections-disputes",
    ),
    path(
        "collections/customers/<str:code>/overdue-reason/",
        records.OverdueReasonView.as_view(),
        name="collections-overdue-reason",
    ),
    path(
        "collections/customers/<str:code>/penalties/",
        records.PenaltyView.as_view(),
        name="collections-penalties",
    ),
    path(
        "collections/disputes/<int:pk>/resolve/",
        records.DisputeResolveView.as_view(),
        name="collections-dispute-resolve",
    ),
    path(
        "collections/customers/<str:code>/visits/",
        visits.VisitPlanView.as_view(),
        name="collections-visits",
    ),
    path(
        "collections/visits/<int:pk>/record/",
        visits.VisitRecordView.as_view(),
        name="collections-visit-record",
    ),
    path(
        "collections/visits/<int:pk>/cancel/",
        visits.VisitCancelView.as_view(),
        name="collections-visit-cancel",
    ),
    path("dunning/policies/", ladder.PolicyListView.as_view(), name="dunning-policies"),
    path("dunning/policies/<slug:code>/", ladder.PolicyDetailView.as_view(), name="dunning-policy"),
    path("dunning/run", runs.RunView.as_view(), name="dunning-run"),
    path("dunning/runs/<str:day>/progress", runs.RunProgressView.as_view(), name="dunning-progress"),
]
