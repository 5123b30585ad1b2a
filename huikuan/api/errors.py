"""The ApplicationError family mapped to HTTP, once for the whole API.

NotFound → 404, RuleViolation → 409, any other refusal (bad input) → 400; a model's
ValidationError → 400 naming the fields. The body is ``{"detail": message}`` plus the
error's extra data, or DRF's ``{"field": ["message"]}`` for field errors.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from huikuan.core.errors import ApplicationError, InputRejected, NotFound, RuleViolation

_STATUS = (
    (NotFound, status.HTTP_404_NOT_FOUND),
    (RuleViolation, status.HTTP_409_CONFLICT),
    (InputRejected, status.HTTP_400_BAD_REQUEST),
    (ApplicationError, status.HTTP_400_BAD_REQUEST),
)


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        code = next(code for kind, code in _STATUS if isinstance(exc, kind))
        body = {"detail": exc.message, "code": type(exc).__name__, **exc.extra}
        if isinstance(exc, InputRejected):
            body["errors"] = [error.as_dict() for error in exc.errors]
        return Response(body, status=code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
