"""Credit pages."""

from django.urls import path

from huikuan.web.views import credit, credit_settings

urlpatterns = [
    path("credit/", credit.credit_dashboard_page, name="credit-dashboard"),
    path("credit/evaluate/", credit.credit_evaluate_view, name="credit-evaluate"),
    path("credit/propose/", credit.credit_propose_view, name="credit-propose"),
    path("credit/settings/", credit_settings.business_settings, name="business-settings"),
    path("credit/settings/<str:key>/", credit_settings.business_setting_save, name="business-setting"),
    path("credit/customers/<str:code>/", credit.credit_customer, name="credit-customer"),
    path("credit/customers/<str:code>/<str:action>/", credit.credit_customer_action, name="credit-action"),
    path("credit/orders/", credit.order_list, name="credit-orders"),
    path("credit/orders/<str:number>/", credit.order_detail, name="credit-order"),
    path("credit/orders/<str:number>/release/", credit.order_release_view, name="credit-order-release"),
]
