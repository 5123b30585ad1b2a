"""Token authentication as ``Authorization: Token <key>`` or ``Authorization: Bearer <key>``."""

from __future__ import annotations

from rest_framework.authentication import TokenAuthentication
from rest_framework.throttling import AnonRateThrottle


class BearerTokenAuthentication(TokenAuthentication):
    keyword = "Bearer"


class LoginRateThrottle(AnonRateThrottle):
    """Guesses at passwords are slowed down, per client address."""

    scope = "login"
