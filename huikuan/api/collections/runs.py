"""The daily dunning run: past runs, a dry run or a queued run, and a date's delivery."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from huikuan.api.collections.base import SOURCE, CollectionsView
from huikuan.api.collections.serializers import (
    DeliveryProgressSerializer,
    RunQueuedSerializer,
    RunRequestSerializer,
    RunResultSerializer,
    RunSerializer,
)
from huikuan.collections.delivery import delivery_progress
from huikuan.collections.models import (
    DunningRun,
)
from huikuan.collections.run import dunning_run, dunning_run_enqueue
from huikuan.collections.selectors import dunning_runs
from huikuan.core.audit import audit_context


class RunView(CollectionsView):
    queryset = DunningRun.objects.none()
    write_actions = {"POST": "dunning.run"}

    @extend_schema(summary="Past dunning runs, newest first", responses={200: RunSerializer(many=True)})
    def get(self, request):
        return Response(RunSerializer(dunning_runs(limit=100), many=True).data)

    @extend_schema(
        summary="Run the dunning ladder for a date (queued: 202), or a dry run of it (200)",
        request=RunRequestSerializer,
        responses={200: RunResultSerializer, 202: RunQueuedSerializer},
    )
    def post(self, request):
        data = self.valid(RunRequestSerializer)
        if data["dry_run"]:
            with audit_context(actor=request.user, source=SOURCE):
                result = dunning_run(date=data["date"], dry_run=True)
            return Response(RunResultSerializer(result.as_dict()).data)
        # The run and its deliveries are done by a worker; the answer comes at once.
        task = dunning_run_enqueue(date=data["date"], started_by=request.user.get_username())
        progress = reverse("dunning-progress", args=[data["date"].isoformat()])
        body = {"date": data["date"], "queued": True, "task": task, "progress": progress}
        return Response(
            RunQueuedSerializer(body).data, status=status.HTTP_202_ACCEPTED, headers={"Location": progress}
        )


class RunProgressView(CollectionsView):
    queryset = DunningRun.objects.none()

    @extend_schema(
        summary="A date's delivery: emails by status, letters, delivery tasks still to do",
        responses={200: DeliveryProgressSerializer},
    )
    def get(self, request, day: str):
        try:
            run_date = date.fromisoformat(day)
        except ValueError:
            raise ValidationError({"date": "give the date as YYYY-MM-DD"}) from None
        return Response(DeliveryProgressSerializer(delivery_progress(run_date=run_date)).data)
