from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from huikuan.api import (
    advances,
    bills,
    finance,
    plans,
    reports,
    risk,
    schema,  # noqa: F401 - registers the Bearer scheme's description
    scorecards,
    vat,
    views,
    warnings,
    write_offs,
)

router = SimpleRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("allocations", views.AllocationViewSet, basename="allocation")
router.register("credit-notes", views.CreditNoteViewSet, basename="credit-note")
router.register("warnings", warnings.EarlyWarningViewSet, basename="warning")

urlpatterns = [
    path("", include(router.urls)),
    path("", include("huikuan.api.urls_approvals")),
    path("", include("huikuan.api.urls_credit")),
    path("", include("huikuan.api.urls_collections")),
    path("", include("huikuan.api.urls_cash")),
    path("", include("huikuan.api.urls_statements")),
    path("", include("huikuan.api.urls_bank")),
    path("", include("huikuan.api.urls_legal")),
    path("write-offs/", write_offs.WriteOffListView.as_view(), name="write-offs"),
    path("write-offs/recoveries/", write_offs.WriteOffRecoveryView.as_view(), name="write-off-recoveries"),
    path("write-offs/<str:number>/", write_offs.WriteOffDetailView.as_view(), name="write-off"),
    path("bills/", bills.BillListView.as_view(), name="bills"),
    path("bills/<int:pk>/", bills.BillDetailView.as_view(), name="bill"),
    *(
        path(f"bills/<int:pk>/{move}/", view.as_view(), name=f"bill-{move}")
        for move, view in bills.MOVE_VIEWS.items()
    ),
    path("advance-receipts/", advances.AdvanceListView.as_view(), name="advance-receipts"),
    path(
        "advance-receipts/<str:reference>/offset/",
        advances.AdvanceOffsetView.as_view(),
        name="advance-receipt-offset",
    ),
    path("ar-ap-offsets/", advances.OffsetListView.as_view(), name="ar-ap-offsets"),
    path("rounding-tails/", advances.TailsView.as_view(), name="rounding-tails"),
    path("aging/", views.AgingView.as_view(), name="aging"),
    path("vat-invoices/", vat.VatInvoiceListView.as_view(), name="vat-invoices"),
    path("vat-invoices/report/", vat.InvoicingReportView.as_view(), name="vat-invoicing-report"),
    path("red-letters/", vat.CorrectionListView.as_view(), name="red-letters"),
    path(
        "red-letters/<str:form_number>/confirm/",
        vat.CorrectionConfirmView.as_view(),
        name="red-letter-confirm",
    ),
    path("risk/scores/", risk.RiskScoresView.as_view(), name="risk-scores"),
    path("risk/customers/<str:customer_code>/", risk.CustomerRiskHistoryView.as_view(), name="risk-customer"),
    path("kpi/", finance.KpiView.as_view(), name="kpi"),
    path("clearance-plans/", plans.PlanListView.as_view(), name="clearance-plans"),
    path("clearance-plans/<int:pk>/", plans.PlanDetailView.as_view(), name="clearance-plan"),
    path("clearance-plans/<int:pk>/targets/", plans.PlanTargetsView.as_view(), name="clearance-plan-targets"),
    path("clearance-plans/<int:pk>/phases/", plans.PlanPhasesView.as_view(), name="clearance-plan-phases"),
    path(
        "clearance-plans/<int:pk>/progress/", plans.PlanProgressView.as_view(), name="clearance-plan-progress"
    ),
    path("scorecards/", scorecards.ScorecardListView.as_view(), name="scorecards"),
    re_path(
        r"^scorecards/(?P<month>\d{4}-\d{2})/$", scorecards.ScorecardDetailView.as_view(), name="scorecard"
    ),
    re_path(
        r"^scorecards/(?P<month>\d{4}-\d{2})/xlsx/$",
        scorecards.ScorecardExportView.as_view(),
        name="scorecard-xlsx",
    ),
    path("reports/schedules/", reports.ScheduleListView.as_view(), name="report-schedules"),
    path("reports/schedules/<int:pk>/", reports.ScheduleDetailView.as_view(), name="report-schedule"),
    *(
        path(f"reports/{kind}/", view.as_view(), name=f"report-{kind}")
        for kind, view in reports.REPORT_VIEWS.items()
    ),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/", include("rest_framework.urls")),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    # Swagger UI's script comes from its own URL (the split view), not inline: the
    # Content-Security-Policy allows no inline script. Its page keeps a small inline <style>.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[AllowAny])
        ),
        name="docs",
    ),
]
