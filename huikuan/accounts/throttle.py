"""Sign-in throttling against password guessing, on every way in.

Failed sign-ins are counted per username and client address for a window. Past the
limit, the authentication backend refuses the pair until the window ends, whatever the
password: the web login, the API token and session logins and the admin all go through
it. A successful sign-in clears the count.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver


def _limit() -> tuple[int, int]:
    return settings.HUIKUAN_LOGIN_FAILURES_ALLOWED, settings.HUIKUAN_LOGIN_FAILURE_WINDOW_SECONDS


def _key(username: str, request: Any) -> str:
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    digest = hashlib.sha256(f"{address}|{username.strip().lower()}".encode()).hexdigest()
    return f"huikuan:login-failures:{digest}"


def login_throttled(username: str, request: Any) -> bool:
    allowed, _ = _limit()
    return cache.get(_key(username, request), 0) >= allowed


@receiver(user_login_failed)
def _count_failure(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    username = credentials.get("username")
    if not username:
        return
    _, window = _limit()
    key = _key(username, request)
    cache.add(key, 0, window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)


@receiver(user_logged_in)
def _clear_failures(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    cache.delete(_key(user.get_username(), request))


class ThrottledModelBackend(ModelBackend):
    """Django's username/password backend, refusing a pair that failed too often."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ):
        if username is not None and login_throttled(username, request):
            # Stops authentication outright: no other backend is tried.
            raise PermissionDenied("too many failed sign-ins")
        return super().authenticate(request, username=username, password=password, **kwargs)
