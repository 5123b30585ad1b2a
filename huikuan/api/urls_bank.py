"""Bank statement routes of the REST API, under /api/bank/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from huikuan.api import bank

router = SimpleRouter()
router.register("bank/statements", bank.BankStatementViewSet, basename="bank-statement")
router.register("bank/lines", bank.BankLineViewSet, basename="bank-line")

urlpatterns = [
    path("bank/import/", bank.BankImportView.as_view(), name="bank-import"),
    path("bank/profiles/", bank.BankProfileView.as_view(), name="bank-profiles"),
    path("", include(router.urls)),
]
