"""Customer visits (seed 003 上门催款; seed 004 定期回访、节日问候): plan one, record how it
went, or cancel it. The same services as the customer's collections page."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from huikuan.api.collections.base import SOURCE, CollectionsView
from huikuan.api.fields import BusinessDateField, TextField
from huikuan.collections.models import Activity, ActivityKind, ActivityPurpose, ActivityStatus, CallOutcome
from huikuan.collections.relationship import visit_cancel, visit_plan, visit_record
from huikuan.collections.selectors import access_collection_activities
from huikuan.core.audit import audit_context


class VisitSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=ActivityStatus.choices, read_only=True)
    occurred_on = BusinessDateField(help_text="The day planned; once recorded, the day it took place.")
    purpose = serializers.ChoiceField(choices=ActivityPurpose.choices, default=ActivityPurpose.COLLECTION)
    people = TextField(help_text="Who goes and whom they meet.")
    note = TextField(required=False, allow_blank=True, default="", help_text="The agenda.")
    outcome = serializers.CharField(read_only=True)
    result = serializers.CharField(read_only=True, help_text="What came of it.")
    user = serializers.CharField(read_only=True)


class VisitRecordSerializer(serializers.Serializer):
    occurred_on = BusinessDateField(help_text="The day it took place.")
    result = TextField(help_text="What came of it.")
    outcome = serializers.ChoiceField(
        choices=CallOutcome.choices, required=False, allow_blank=True, default=""
    )
    people = TextField(required=False, allow_blank=True, help_text="Who was there, when not as planned.")


class VisitCancelSerializer(serializers.Serializer):
    reason = TextField()


class VisitPlanView(CollectionsView):
    queryset = Activity.objects.none()
    write_actions = {"POST": "activity.log"}

    @extend_schema(
        summary="Plan a visit to a customer", request=VisitSerializer, responses={201: VisitSerializer}
    )
    def post(self, request, code: str):
        customer = self.customer(code)
        data = self.valid(VisitSerializer)
        with audit_context(actor=request.user, source=SOURCE):
            visit = visit_plan(
                customer=customer,
                planned_on=data["occurred_on"],
                purpose=data["purpose"],
                people=data["people"],
                note=data["note"],
                user=request.user,
            )
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


def _visit(request, pk: int) -> Activity:
    return get_object_or_404(access_collection_activities(user=request.user), pk=pk, kind=ActivityKind.VISIT)


class VisitRecordView(CollectionsView):
    queryset = Activity.objects.none()
    write_actions = {"POST": "activity.log"}

    @extend_schema(
        summary="Record how a planned visit went",
        request=VisitRecordSerializer,
        responses={200: VisitSerializer},
    )
    def post(self, request, pk: int):
        visit = _visit(request, pk)
        data = self.valid(VisitRecordSerializer)
        with audit_context(actor=request.user, source=SOURCE):
            visit = visit_record(visit=visit, user=request.user, **data)
        return Response(VisitSerializer(visit).data)


class VisitCancelView(CollectionsView):
    queryset = Activity.objects.none()
    write_actions = {"POST": "activity.log"}

    @extend_schema(
        summary="Cancel a planned visit", request=VisitCancelSerializer, responses={200: VisitSerializer}
    )
    def post(self, request, pk: int):
        visit = _visit(request, pk)
        data = self.valid(VisitCancelSerializer)
        with audit_context(actor=request.user, source=SOURCE):
            visit = visit_cancel(visit=visit, reason=data["reason"], user=request.user)
        return Response(VisitSerializer(visit).data)
