"""Legal cases and collection agencies: routes of the REST API."""

from django.urls import path

from huikuan.api import legal

urlpatterns: list = [
    path("legal/cases/", legal.CaseListView.as_view(), name="legal-cases"),
    path("legal/cases/<str:number>/", legal.CaseDetailView.as_view(), name="legal-case"),
    path("legal/cases/<str:number>/events/", legal.CaseEventView.as_view(), name="legal-case-events"),
    path(
        "legal/cases/<str:number>/recoveries/", legal.CaseRecoveryView.as_view(), name="legal-case-recoveries"
    ),
    path(
        "legal/cases/<str:number>/documents/", legal.CaseDocumentView.as_view(), name="legal-case-documents"
    ),
    path("legal/cases/<str:number>/close/", legal.CaseCloseView.as_view(), name="legal-case-close"),
    path("legal/agencies/", legal.AgencyListView.as_view(), name="legal-agencies"),
    path("legal/assignments/", legal.AssignmentListView.as_view(), name="legal-assignments"),
    path(
        "legal/assignments/<int:pk>/recoveries/",
        legal.AssignmentRecoveryView.as_view(),
        name="legal-assignment-recoveries",
    ),
    path("legal/assignments/<int:pk>/end/", legal.AssignmentEndView.as_view(), name="legal-assignment-end"),
]
