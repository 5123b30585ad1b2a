"""Legal cases and collection agencies: pages."""

from django.urls import path

from huikuan.web.views import legal

urlpatterns: list = [
    path("legal/", legal.legal_page, name="legal"),
    path("legal/cases/", legal.case_open, name="legal_case_open"),
    path("legal/cases/<str:number>/", legal.case_page, name="legal_case"),
    path("legal/cases/<str:number>/event/", legal.case_event, name="legal_case_event"),
    path("legal/cases/<str:number>/recovery/", legal.case_recovery, name="legal_case_recovery"),
    path("legal/cases/<str:number>/document/", legal.case_document_add, name="legal_case_document_add"),
    path("legal/cases/<str:number>/documents/<int:pk>/", legal.case_document, name="legal_case_document"),
    path("legal/cases/<str:number>/close/", legal.case_close, name="legal_case_close"),
    path("legal/agencies/", legal.agency_add, name="legal_agency_add"),
    path("legal/assignments/", legal.assign, name="legal_assign"),
    path("legal/assignments/<int:pk>/recovery/", legal.assignment_recovery, name="legal_assignment_recovery"),
    path("legal/assignments/<int:pk>/end/", legal.assignment_end, name="legal_assignment_end"),
]
