"""Approvals routes of the REST API."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from huikuan.api import approvals

router = SimpleRouter()
router.register("approvals", approvals.ApprovalRequestViewSet, basename="approval")

urlpatterns = [
    # Before the router's approvals/<number>/: no request number is "chains".
    path("approvals/chains/", approvals.ApprovalChainListView.as_view(), name="approval-chains"),
    path("approvals/chains/<str:kind>/", approvals.ApprovalChainView.as_view(), name="approval-chain"),
    path("", include(router.urls)),
]
