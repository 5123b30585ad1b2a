"""Credit routes of the REST API (SPEC §5), under /api/credit/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from huikuan.api import credit

router = SimpleRouter()
router.register("credit/evaluations", credit.EvaluationViewSet, basename="credit-evaluation")
router.register("credit/orders", credit.OrderViewSet, basename="credit-order")
router.register("credit/term-extensions", credit.ExtensionRequestViewSet, basename="credit-term-extension")
router.register(
    "credit/limit-applications", credit.LimitApplicationViewSet, basename="credit-limit-application"
)
router.register("credit/holds", credit.HoldViewSet, basename="credit-hold")
router.register("credit/statements", credit.StatementViewSet, basename="credit-statement")

urlpatterns = [
    path("credit/check/", credit.CreditCheckView.as_view(), name="credit-check"),
    path("credit/fees/", credit.FeesView.as_view(), name="credit-fees"),
    path(
        "credit/customers/<str:customer_code>/", credit.CustomerCreditView.as_view(), name="credit-customer"
    ),
    path(
        "credit/customers/<str:customer_code>/class-history/",
        credit.ClassHistoryView.as_view(),
        name="credit-class-history",
    ),
    path("", include(router.urls)),
]
