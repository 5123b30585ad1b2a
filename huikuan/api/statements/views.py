"""Statements endpoints."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from huikuan.accounts.access import access_customers
from huikuan.api.permissions import RolePermissions
from huikuan.api.statements.serializers import (
    AccountStatementDetailSerializer,
    AccountStatementSerializer,
    StatementQueuedSerializer,
    StatementScheduleSerializer,
    StatementSendSerializer,
)
from huikuan.core.audit import audit_context
from huikuan.statements.models import AccountStatement, StatementKind
from huikuan.statements.selectors import (
    access_statements,
    customer_statements,
    period_bounds,
    schedule_frequency,
)
from huikuan.statements.services import schedule_set, statement_issue_enqueue

SOURCE = "api:statements"


class StatementsView(APIView):
    permission_classes = [RolePermissions]
    queryset = AccountStatement.objects.none()

    def customer(self, code: str):
        return get_object_or_404(access_customers(user=self.request.user), code=code)

    def valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class CustomerStatementsView(StatementsView):
    @extend_schema(
        summary="A customer's statements of account and confirmations, newest first",
        responses={200: AccountStatementSerializer(many=True)},
    )
    def get(self, request, code: str):
        return Response(
            AccountStatementSerializer(customer_statements(customer=self.customer(code)), many=True).data
        )


class StatementDetailView(StatementsView):
    @extend_schema(
        summary="One statement with its lines and the customer's answer",
        responses={200: AccountStatementDetailSerializer},
    )
    def get(self, request, reference: str):
        statement = get_object_or_404(access_statements(user=request.user), reference=reference)
        return Response(AccountStatementDetailSerializer(statement).data)


class StatementSendView(StatementsView):
    write_actions = {"POST": "statement.send"}

    @extend_schema(
        summary="Make and email a statement (queued: 202); the same period again sends nothing new",
        request=StatementSendSerializer,
        responses={202: StatementQueuedSerializer},
    )
    def post(self, request, code: str):
        customer = self.customer(code)
        data = self.valid(StatementSendSerializer)
        if data["kind"] == StatementKind.CONFIRMATION:
            start: date = data["as_of"]
            end: date = data["as_of"]
        else:
            start, end = period_bounds(period=data["period"])
        with audit_context(actor=request.user, source=SOURCE):
            task = statement_issue_enqueue(
                customer=customer,
                kind=data["kind"],
                start=start,
                end=end,
                created_by=request.user.get_username(),
                again=data["again"],
            )
        body = {
            "task": task,
            "customer": customer.code,
            "kind": data["kind"],
            "period_start": start,
            "period_end": end,
        }
        return Response(StatementQueuedSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class ScheduleView(StatementsView):
    write_actions = {"PUT": "statement_schedule.edit"}

    @extend_schema(
        summary="How often the customer gets a statement of account",
        responses={200: StatementScheduleSerializer},
    )
    def get(self, request, code: str):
        customer = self.customer(code)
        return Response({"customer": customer.code, "frequency": schedule_frequency(customer=customer)})

    @extend_schema(
        summary="Set how often the customer gets a statement of account",
        request=StatementScheduleSerializer,
        responses={200: StatementScheduleSerializer},
    )
    def put(self, request, code: str):
        customer = self.customer(code)
        data = self.valid(StatementScheduleSerializer)
        with audit_context(actor=request.user, source=SOURCE):
            schedule = schedule_set(
                customer=customer, frequency=data["frequency"], updated_by=request.user.get_username()
            )
        return Response({"customer": customer.code, "frequency": schedule.frequency})
