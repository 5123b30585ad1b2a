from django.contrib.auth import views as auth_views
from django.urls import include, path

from huikuan.web.forms import SignInForm
from huikuan.web.views import (
    aging,
    bank_import,
    customers,
    dashboard,
    finance,
    imports,
    invoices,
    reports,
    statements,
    warnings,
    write_offs,
)

app_name = "web"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="web/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", dashboard.dashboard, name="dashboard"),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/<str:code>/", customers.customer_detail, name="customer"),
    path("customers/<str:code>/statements/send/", statements.statement_send, name="statement_send"),
    path("customers/<str:code>/statements/schedule/", statements.schedule_edit, name="statement_schedule"),
    path("statements/answer/<str:token>/", statements.statement_answer_page, name="statement_answer"),
    path("statements/<str:reference>/", statements.statement_detail, name="statement"),
    path("statements/<str:reference>.<str:extension>", statements.statement_file, name="statement_file"),
    path("customers/<str:code>/write-offs/", write_offs.write_off_propose_view, name="write-off-propose"),
    path("write-offs/<str:number>/", write_offs.write_off_detail, name="write-off"),
    path(
        "write-offs/<str:number>/evidence/<int:pk>/", write_offs.write_off_evidence, name="write-off-evidence"
    ),
    path("invoices/", invoices.invoice_list, name="invoices"),
    path("invoices/<str:number>/", invoices.invoice_detail, name="invoice"),
    path("payments/", invoices.payment_list, name="payments"),
    path("aging/", aging.aging, name="aging"),
    path("kpis/", finance.kpis, name="kpis"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/schedules/", reports.schedule_add, name="report-schedule-add"),
    path("reports/schedules/<int:pk>/", reports.schedule_edit, name="report-schedule"),
    path("reports/schedules/<int:pk>/delete/", reports.schedule_delete, name="report-schedule-delete"),
    path("reports/<str:kind>.<str:extension>", reports.report_file, name="report-file"),
    path("reports/<str:kind>/", reports.report_page, name="report"),
    path("warnings/", warnings.warning_list, name="warnings"),
    path(
        "warnings/<int:warning_id>/acknowledge/",
        warnings.warning_acknowledge_view,
        name="warning-acknowledge",
    ),
    path("import/", imports.import_file, name="import"),
    path("import/bank/", bank_import.bank_import, name="bank-import"),
    path("import/templates/<str:kind>.<str:extension>", imports.template, name="import-template"),
    path("import/jobs/<int:job_id>/", imports.import_job, name="import-job"),
    path("", include("huikuan.web.urls_approvals")),
    path("", include("huikuan.web.urls_credit")),
    path("", include("huikuan.web.urls_collections")),
    path("", include("huikuan.web.urls_cash")),
]
