"""The collector's worklist and the logging of a call."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from huikuan.api.collections.base import SOURCE, CollectionsView
from huikuan.api.collections.serializers import (
    ActivitySerializer,
    CallSerializer,
    WorklistItemSerializer,
    WorklistQuerySerializer,
)
from huikuan.collections.models import (
    Activity,
    Channel,
    DunningAction,
)
from huikuan.collections.selectors import (
    access_tasks,
    worklist_for,
)
from huikuan.collections.services import (
    call_log,
)
from huikuan.core.audit import audit_context


class WorklistView(CollectionsView):
    queryset = DunningAction.objects.none()

    @extend_schema(
        summary="The signed-in user's call tasks for a date, riskiest first",
        parameters=[WorklistQuerySerializer],
        responses={200: WorklistItemSerializer(many=True)},
    )
    def get(self, request):
        day = self.valid(WorklistQuerySerializer, request.query_params).get("date") or timezone.localdate()
        return Response(WorklistItemSerializer(worklist_for(user=request.user, date=day), many=True).data)


class WorklistCompleteView(CollectionsView):
    # Logging a call adds an activity and changes the task.
    queryset = Activity.objects.none()
    write_actions = {"POST": "task.complete"}

    @extend_schema(
        summary="Log a call task's outcome: the task done, its activity, any promise or dispute",
        request=CallSerializer,
        responses={201: ActivitySerializer},
    )
    def post(self, request, pk: int):
        task = get_object_or_404(access_tasks(user=request.user), pk=pk, channel=Channel.PHONE)
        data = self.valid(CallSerializer)
        # call_log decides what the outcome needs: an incomplete promise or dispute is a 400
        # naming the missing fields, an unknown invoice a 404.
        with audit_context(actor=request.user, source=SOURCE):
            activity = call_log(task=task, user=request.user, **data)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)
