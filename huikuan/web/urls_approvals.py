"""Approvals pages."""

from django.urls import path

from huikuan.web.views import approvals

urlpatterns = [
    path("approvals/", approvals.approval_list, name="approvals"),
    path("approvals/chains/", approvals.chain_list, name="approval-chains"),
    path("approvals/chains/<str:kind>/", approvals.chain_edit, name="approval-chain"),
    path("approvals/<str:number>/", approvals.approval_detail, name="approval"),
    path("approvals/<str:number>/decide/", approvals.approval_decide_view, name="approval-decide"),
]
