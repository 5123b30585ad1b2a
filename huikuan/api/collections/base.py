"""What the collections endpoints share: the permission check, the scope, input validation."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework.views import APIView

from huikuan.api.permissions import RolePermissions
from huikuan.collections.selectors import (
    access_collection_customers,
)

SOURCE = "api:collections"


class CollectionsView(APIView):
    permission_classes = [RolePermissions]

    def customer(self, code: str):
        return get_object_or_404(access_collection_customers(user=self.request.user), code=code)

    def valid(self, serializer_class, data=None):
        serializer = serializer_class(data=self.request.data if data is None else data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
