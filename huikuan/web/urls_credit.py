"""Credit pages."""

from django.urls import path

from huikuan.web.views import credit, credit_dashboard, credit_settings, orders

urlpatterns = [
    path("credit/", credit_dashboard.credit_dashboard_page, name="credit-dashboard"),
    path("credit/evaluate/", credit_dashboard.credit_evaluate_view, name="credit-evaluate"),
    path("credit/propose/", credit_dashboard.credit_propose_view, name="credit-propose"),
    path("credit/settings/", credit_settings.business_settings, name="business-settings"),
    path("credit/lpr/", credit_settings.lpr_add, name="lpr-add"),
    path("credit/benchmarks/", credit_settings.benchmarks_save, name="benchmarks"),
    path("credit/settings/<str:key>/", credit_settings.business_setting_save, name="business-setting"),
    path("credit/customers/<str:code>/", credit.credit_customer, name="credit-customer"),
    path("credit/customers/<str:code>/<str:action>/", credit.credit_customer_action, name="credit-action"),
    path("credit/orders/", orders.order_list, name="credit-orders"),
    path("credit/orders/<str:number>/", orders.order_detail, name="credit-order"),
    path("credit/orders/<str:number>/release/", orders.order_release_view, name="credit-order-release"),
]
