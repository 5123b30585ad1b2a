"""What the credit endpoints share: the read permission, the as-of date, the scope, the error responses."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may
from huikuan.api.fields import BusinessDateField
from huikuan.credit.selectors import (
    access_orders,
)

ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}


AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD (default: today)")


class ReadsCredit(BasePermission):
    """Any role that may read credit records (every staff role); writes check their own permission."""

    def has_permission(self, request, view) -> bool:
        return may(request.user, "credit.read")


def as_of_param(request):
    text = request.query_params.get("as_of")
    if not text:
        return timezone.localdate()
    field = BusinessDateField()
    try:
        return field.run_validation(text)
    except serializers.ValidationError as error:
        raise serializers.ValidationError({"as_of": error.detail}) from None


def customer_ids_param(request) -> list[int]:
    """The ids of the customers the user reaches, or only the one ``?customer=CODE`` names."""
    code = request.query_params.get("customer")
    customers = access_customers(user=request.user)
    if code:
        customers = customers.filter(code=code) if "\x00" not in code else customers.none()
    return list(customers.values_list("pk", flat=True))


def scoped_customer(request, code: str):
    customer = access_customers(user=request.user).filter(code=code).first() if "\x00" not in code else None
    if customer is None:
        raise NotFound()
    return customer


class ScopedCreditViewSet(viewsets.GenericViewSet):
    access = staticmethod(access_orders)

    def get_queryset(self):
        return self.access(user=self.request.user)

    def customers(self):
        return access_customers(user=self.request.user)

    def get_serializer(self, *args, **kwargs):
        if getattr(self.get_serializer_class(), "takes_customers", False):
            kwargs.setdefault("customers", self.customers())
        return super().get_serializer(*args, **kwargs)

    def filter_queryset(self, queryset):
        code = self.request.query_params.get("customer")
        if code:
            queryset = queryset.filter(customer__code=code)
        return queryset
