"""Moderators' sessions end after ``TRIBUNE_SESSION_IDLE`` seconds without a
request (default 30 minutes) and ``TRIBUNE_SESSION_MAX`` seconds after login
whatever happens (default 12 hours), checked on the server at every request:
a copied or kept cookie does not outlive either."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from tribune.privacy.services import network_hash

from .models import EventKind
from .signals import LOGIN_AT, SEEN_AT

# Writing the session on every request would cost a database write per page;
# the idle clock is moved on at most once a minute.
SEEN_RESOLUTION = 60


def idle_limit() -> int:
    return int(settings.TRIBUNE_SESSION_IDLE)


def absolute_limit() -> int:
    return int(settings.TRIBUNE_SESSION_MAX)


class SessionExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.enforce(request, user)
        return self.get_response(request)

    def enforce(self, request, user) -> None:
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT, login_at)
        if not isinstance(login_at, int) or not isinstance(seen_at, int):
            # A session from before these rules: start its clocks now.
            session[LOGIN_AT] = session[SEEN_AT] = now
            return
        reason = ""
        if now - login_at >= absolute_limit():
            reason = "absolute"
        elif now - seen_at >= idle_limit():
            reason = "idle"
        if reason:
            from .services import account_event_record

            account_event_record(
                kind=EventKind.SESSION_EXPIRED, user=user, network=network_hash(request),
                detail=reason,
            )
            request._accounts_expired = True
            logout(request)
            messages.info(request, _("Your session has ended. Please log in again."))
            return
        if now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
