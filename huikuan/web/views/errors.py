"""The error pages: Chinese or English HTML for the pages, JSON under /api/.

Wired as Django's ``handler400/403/404/500`` in huikuan.config.urls. With debug off (what
``huikuan serve`` runs) no traceback, URL list or setting reaches the client.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def _api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "code": code}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _api(request):
        return _json(400, _("Bad request."), "BadRequest")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _api(request):
        return _json(403, _("You do not have permission to perform this action."), "PermissionDenied")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _api(request):
        return _json(404, _("Not found."), "NotFound")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _api(request):
        return _json(500, _("A server error occurred."), "ServerError")
    # Django renders 500.html without a request context: the page needs none.
    return defaults.server_error(request)
