"""What every workspace page needs: when the idle timeout would end the session,
so that the page warns before it does (tribune/moderation/static/moderation/idle.js)."""

from __future__ import annotations

from django.http import HttpRequest

from tribune.accounts.middleware import WARN_SECONDS, idle_deadline


def idle(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {}

    return {"idle": {"ends_in": idle_deadline(request), "warn": WARN_SECONDS}}
