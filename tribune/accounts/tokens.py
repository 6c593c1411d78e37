"""API tokens: a moderator's (or an integration user's) bearer token for the
JSON API. Created, listed, revoked and checked here only; the raw token is shown
once and stored as its SHA-256, with a visible prefix to name it by."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.errors import Conflict, InvalidInput, NotFound

from .models import ApiToken, EventKind
from .services import account_event_record

TOKEN_PREFIX = "trb_"  # noqa: S105 - a visible prefix, not a secret


def _key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, name: str) -> str:
    """Make an API token for a moderator; the raw token is returned once only."""
    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        raise NotFound(_("There is no moderator named %(name)s.") % {"name": name})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_key_hash(raw), prefix=raw[:12])
    return raw


def token_authenticate(raw: str) -> AbstractBaseUser | None:
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_key_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@dataclass(frozen=True)
class TokenInfo:
    prefix: str
    user: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def tokens_list(*, name: str | None = None) -> list[TokenInfo]:
    """Every API token (or one moderator's), newest first. Only the visible
    prefix is known: the token itself is stored as its SHA-256."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    if name:
        if not get_user_model().objects.filter(username=name).exists():
            raise NotFound(_("There is no moderator named %(name)s.") % {"name": name})
        tokens = tokens.filter(user__username=name)
    return [
        TokenInfo(t.prefix, t.user.get_username(), t.created_at, t.last_used_at, t.revoked_at)
        for t in tokens
    ]


def token_revoke(*, prefix: str | None = None, name: str | None = None) -> int:
    """Revoke one token by its prefix, or every live token of moderator ``name``.

    Returns how many were revoked; a revoked token is refused from the next
    request on. A prefix matching no live token, or several, is an error.
    """
    if bool(prefix) == bool(name):
        raise InvalidInput(_("Name either a token's prefix or a moderator."), field="token")
    live = ApiToken.objects.select_related("user").filter(revoked_at__isnull=True)
    if prefix:
        prefix = prefix.strip().rstrip("…").rstrip(".")
        if len(prefix) < 8:
            raise InvalidInput(
                _("Give at least the first 8 characters of the token."), field="token"
            )
        # The stored prefix is the token's first 12 characters.
        matches = list(live.filter(prefix__startswith=prefix[:12]))
        matches = [t for t in matches if prefix.startswith(t.prefix) or t.prefix.startswith(prefix)]
        if not matches:
            raise NotFound(_("No live token starts with %(prefix)s.") % {"prefix": prefix})
        if len(matches) > 1:
            raise Conflict(
                _("%(count)d tokens start with %(prefix)s; give more of it.")
                % {"count": len(matches), "prefix": prefix}
            )
    else:
        if not get_user_model().objects.filter(username=name).exists():
            raise NotFound(_("There is no moderator named %(name)s.") % {"name": name})
        matches = list(live.filter(user__username=name))
    now = timezone.now()
    with transaction.atomic():
        for token in matches:
            ApiToken.objects.filter(pk=token.pk).update(revoked_at=now)
            account_event_record(
                kind=EventKind.TOKEN_REVOKED, user=token.user, detail=f"token {token.prefix}"
            )
    return len(matches)
