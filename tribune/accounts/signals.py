"""Session timestamps at login and the audit row at logout, however the login
or logout happened (the login view, ``Client.force_login``, the logout view)."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from tribune.privacy.services import network_hash

from .models import EventKind
from .services import account_event_record

LOGIN_AT = "accounts_login_at"
SEEN_AT = "accounts_seen_at"
# The login's exact time (seconds, with their fraction): whole seconds would count
# a decision made earlier in the same second, by the demo or another moderator,
# as made in this session.
LOGIN_EXACT = "accounts_login_exact"


@receiver(user_logged_in, dispatch_uid="tribune.accounts.session_start")
def session_start(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        exact = time.time()
        now = int(exact)
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now
        request.session[LOGIN_EXACT] = exact


@receiver(user_logged_out, dispatch_uid="tribune.accounts.logout_audit")
def logout_audit(sender, request, user, **kwargs) -> None:
    if user is None or getattr(request, "_accounts_expired", False):
        return
    account_event_record(kind=EventKind.LOGOUT, user=user, network=network_hash(request))
