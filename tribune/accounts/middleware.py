"""Moderators' sessions end after ``TRIBUNE_SESSION_IDLE`` seconds without a
request (default 30 minutes; see :func:`idle_limit` for desks and
administrators) and ``TRIBUNE_SESSION_MAX`` seconds after login whatever
happens (default 12 hours), checked on the server at every request:
a copied or kept cookie does not outlive either."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from tribune.privacy.services import network_hash

from .models import EventKind
from .services import account_event_record
from .signals import LOGIN_AT, SEEN_AT

# Writing the session on every request would cost a database write per page;
# the idle clock is moved on at most once a minute.
SEEN_RESOLUTION = 60


# The workspace warns this long before the idle timeout ends a session.
WARN_SECONDS = 120
# What the live queue asks for by itself (its stream, the cards it names, the
# comment a moderator has open) is not the moderator's activity: an open queue
# must not keep a session alive whose moderator went away.
PASSIVE_ROUTES = ("moderation:live_stream", "moderation:live_cards", "moderation:live_open")


def idle_limit(user=None) -> int:
    """Seconds without activity before a session ends: ``TRIBUNE_SESSION_IDLE``
    (the site's default), longer for the moderators of a desk that asks for it,
    ``TRIBUNE_SESSION_IDLE_ADMIN`` (15 minutes) for administrators whatever
    their desks ask."""
    default = int(settings.TRIBUNE_SESSION_IDLE)
    if user is None:
        return default
    if user.is_superuser:
        return int(settings.TRIBUNE_SESSION_IDLE_ADMIN)
    # Imported here: the desks' own timeouts are a moderation setting, read by
    # this lower layer only for the user at hand.
    from tribune.moderation.standing import desk_idle_seconds

    return desk_idle_seconds(user) or default


def _passive(request) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        return request.path_info in {reverse(name) for name in PASSIVE_ROUTES}
    except NoReverseMatch:
        return False


def idle_deadline(request) -> int:
    """Seconds left before the idle timeout ends this session."""
    session = request.session
    seen_at = session.get(SEEN_AT)
    limit = idle_limit(request.user)
    if not isinstance(seen_at, int):
        return limit
    return max(0, limit - (int(time.time()) - seen_at))


def activity(request) -> None:
    """The moderator is here now (they said so): the idle clock starts again."""
    request.session[SEEN_AT] = int(time.time())


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
        elif now - seen_at >= idle_limit(user):
            reason = "idle"
        if reason:
            account_event_record(
                kind=EventKind.SESSION_EXPIRED, user=user, network=network_hash(request),
                detail=reason,
            )
            request._accounts_expired = True
            logout(request)
            messages.info(request, _("Your session has ended. Please log in again."))
            return
        if now - seen_at >= SEEN_RESOLUTION and not _passive(request):
            session[SEEN_AT] = now
