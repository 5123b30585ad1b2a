"""Credit routes of the REST API (SPEC §5), under /api/credit/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from huikuan.api.credit import evaluations, holds, interest, orders, requests, terms

router = SimpleRouter()
router.register("credit/evaluations", evaluations.EvaluationViewSet, basename="credit-evaluation")
router.register("credit/orders", orders.OrderViewSet, basename="credit-order")
router.register("credit/term-extensions", requests.ExtensionRequestViewSet, basename="credit-term-extension")
router.register(
    "credit/limit-applications", requests.LimitApplicationViewSet, basename="credit-limit-application"
)
router.register("credit/holds", holds.HoldViewSet, basename="credit-hold")
router.register("credit/statements", requests.StatementViewSet, basename="credit-statement")

urlpatterns = [
    path("credit/check/", evaluations.CreditCheckView.as_view(), name="credit-check"),
    path("credit/fees/", evaluations.FeesView.as_view(), name="credit-fees"),
    path("credit/interest/", interest.InterestView.as_view(), name="credit-interest"),
    path("credit/interest/charge/", interest.InterestChargeView.as_view(), name="credit-interest-charge"),
    path("credit/interest/rates/", interest.ContractRateView.as_view(), name="credit-interest-rates"),
    path("credit/lpr/", interest.LprView.as_view(), name="credit-lpr"),
    path("credit/customer-terms/", terms.CustomerTermsView.as_view(), name="credit-customer-terms"),
    path("credit/fees/charge/", evaluations.FeeChargeView.as_view(), name="credit-fee-charge"),
    path(
        "credit/customers/<str:customer_code>/",
        evaluations.CustomerCreditView.as_view(),
        name="credit-customer",
    ),
    path(
        "credit/customers/<str:customer_code>/class-history/",
        evaluations.ClassHistoryView.as_view(),
        name="credit-class-history",
    ),
    path("", include(router.urls)),
]
