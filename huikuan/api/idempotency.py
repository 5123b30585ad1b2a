"""``Idempotency-Key`` on POSTs: a retry with the same key and body gets the first response
and writes nothing; the same key with another body is refused (422).

Concurrent requests with one key get the same answer too. The first reserves the key with
a unique insert, committed at once; it then does the write and stores its response on the
reservation in one transaction (both or neither). Every other request with that key waits
for the reservation to carry a response (on PostgreSQL blocked on its row lock, elsewhere
polling briefly) and replays it. If the first fails (a refused body, an error) its
reservation is removed and the next request does the work itself. A reservation left by a
process that died is taken over once it is ``HUIKUAN_IDEMPOTENCY_STALE_SECONDS`` old; only
a request still waiting after ``HUIKUAN_IDEMPOTENCY_WAIT_SECONDS`` gets 409.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from huikuan.api.models import IdempotencyKey

HEADER = "Idempotency-Key"
POLL_SECONDS = 0.05


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "this Idempotency-Key was used for another request"
    default_code = "idempotency_key_reused"


class KeyInFlight(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "a request with this Idempotency-Key is being processed; retry later"
    default_code = "idempotency_key_in_flight"


def _request_hash(request) -> str:
    canonical = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def _replay(earlier: IdempotencyKey, digest: str) -> Response:
    if earlier.request_hash != digest:
        raise KeyReused()
    replayed = {"Idempotent-Replayed": "true"}
    return Response(earlier.response_body, status=earlier.status_code, headers=replayed)


def _reserve(request, key: str, digest: str) -> IdempotencyKey | None:
    """The reservation of ``key`` for this request, or None when another request holds it."""
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                user=request.user,
                key=key,
                method=request.method,
                path=request.path[:500],
                request_hash=digest,
            )
    except IntegrityError:
        return None


def _current(request, key: str) -> IdempotencyKey | None:
    """The key's row once no transaction holds it (PostgreSQL waits on the row lock)."""
    rows = IdempotencyKey.objects.filter(user=request.user, key=key)
    if not connection.features.has_select_for_update:
        return rows.first()
    with transaction.atomic():
        return rows.select_for_update().first()


def _take_over_if_stale(row: IdempotencyKey) -> None:
    stale = timezone.now() - timedelta(seconds=settings.HUIKUAN_IDEMPOTENCY_STALE_SECONDS)
    if row.created_at < stale:
        IdempotencyKey.objects.filter(pk=row.pk, status_code__isnull=True, created_at__lt=stale).delete()


class IdempotentCreateMixin:
    """Wraps ``create``: with the header, the write and the stored response commit together."""

    def create(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return super().create(request, *args, **kwargs)
        if len(key) > 255:
            raise KeyReused(f"{HEADER} is longer than 255 characters")
        if "\x00" in key:  # not valid in HTTP, and PostgreSQL cannot store it
            raise KeyReused(f"{HEADER} holds a NUL character")
        digest = _request_hash(request)
        deadline = time.monotonic() + settings.HUIKUAN_IDEMPOTENCY_WAIT_SECONDS
        while True:
            row = _current(request, key)
            if row is not None and row.status_code is not None:
                return _replay(row, digest)
            if row is not None and row.request_hash != digest:
                raise KeyReused()
            if row is None:
                reservation = _reserve(request, key, digest)
                if reservation is not None:
                    return self._create_once(reservation, request, *args, **kwargs)
            else:
                _take_over_if_stale(row)
            if time.monotonic() > deadline:
                raise KeyInFlight()
            time.sleep(POLL_SECONDS)

    def _create_once(self, reservation: IdempotencyKey, request, *args, **kwargs):
        try:
            with transaction.atomic():
                # Held until the write commits: concurrent requests with the key wait here.
                list(IdempotencyKey.objects.select_for_update().filter(pk=reservation.pk).values_list("pk"))
                response = super().create(request, *args, **kwargs)
                stored = IdempotencyKey.objects.filter(pk=reservation.pk, status_code__isnull=True).update(
                    status_code=response.status_code,
                    response_body=json.loads(JSONRenderer().render(response.data)),
                )
                if not stored:  # taken over as stale meanwhile: the other request writes
                    raise KeyInFlight()
        except BaseException:
            IdempotencyKey.objects.filter(pk=reservation.pk, status_code__isnull=True).delete()
            raise
        return response
