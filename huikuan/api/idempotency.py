"""``Idempotency-Key`` on POSTs: a retry with the same key and body gets the first response
and writes nothing; the same key with another body is refused (422)."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from huikuan.api.models import IdempotencyKey

HEADER = "Idempotency-Key"


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
        earlier = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if earlier is not None:
            if earlier.request_hash != digest:
                raise KeyReused()
            return Response(
                earlier.response_body, status=earlier.status_code, headers={"Idempotent-Replayed": "true"}
            )
        try:
            with transaction.atomic():
                response = super().create(request, *args, **kwargs)
                IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    request_hash=digest,
                    status_code=response.status_code,
                    response_body=json.loads(JSONRenderer().render(response.data)),
                )
        except IntegrityError:
            # A concurrent request with the same key won the insert; this one wrote nothing.
            raise KeyInFlight() from None
        return response
