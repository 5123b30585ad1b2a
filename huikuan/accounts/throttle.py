"""Sign-in throttling against password guessing, on every way in.

Failed sign-ins are counted per username and client address for a window. Past the
limit, the authentication backend refuses the pair until the window ends, whatever the
password: the web login, the API token and session logins and the admin all go through
it. A successful sign-in clears the count.

The counts live in Django's default cache, which every worker process shares (the
database cache, or Redis when configured: see settings), so two gunicorn workers do not
double the allowance. The client address is the connection's, unless
``HUIKUAN_TRUSTED_PROXIES`` says how many reverse proxies in front of Huikuan append to
``X-Forwarded-For``: only then is that header believed, and only its trusted end.
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


def client_address(request: Any) -> str:
    """The client's address: ``REMOTE_ADDR``, or with N trusted proxies the N-th address from
    the right of ``X-Forwarded-For`` (what the nearest untrusted hop connected from). The same
    rule as DRF's ``NUM_PROXIES``, which settings set to the same number."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.HUIKUAN_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    return hops[-min(proxies, len(hops))]


def _key(username: str, request: Any) -> str:
    address = client_address(request)
    digest = hashlib.sha256(f"{address}|{username.strip().lower()}".encode()).hexdigest()
    return f"huikuan:login-failures:{digest}"


def _slots(key: str, allowed: int) -> list[str]:
    return [f"{key}:{number}" for number in range(1, allowed + 1)]


def login_failures(username: str, request: Any) -> int:
    """Failed sign-ins of this username from this address still within the window."""
    allowed, _ = _limit()
    return len(cache.get_many(_slots(_key(username, request), allowed)))


def login_throttled(username: str, request: Any) -> bool:
    allowed, _ = _limit()
    return cache.get(_slots(_key(username, request), allowed)[-1]) is not None


@receiver(user_login_failed)
def _count_failure(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    """One failure takes the first free numbered slot with ``cache.add``, which only one process
    can win for a slot (a unique insert in the database cache, SET NX in Redis): failures made
    at the same moment in two workers are both counted, where a read-and-write ``incr`` on the
    database cache could lose one."""
    username = credentials.get("username")
    if not username:
        return
    allowed, window = _limit()
    slots = _slots(_key(username, request), allowed)
    taken = cache.get_many(slots)
    for slot in slots:
        if slot not in taken and cache.add(slot, 1, window):
            return


@receiver(user_logged_in)
def _clear_failures(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    allowed, _ = _limit()
    cache.delete_many(_slots(_key(user.get_username(), request), allowed))


class ThrottledModelBackend(ModelBackend):
    """Django's username/password backend, refusing a pair that failed too often."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ):
        if username is not None and login_throttled(username, request):
            # Stops authentication outright: no other backend is tried.
            raise PermissionDenied("too many failed sign-ins")
        return super().authenticate(request, username=username, password=password, **kwargs)
