"""Integrations: API tokens with scopes, and the CMS's writes to threads.

A moderator's token (``tribune.moderation``) carries that moderator's
permissions, no more. An integration's token holds only the scopes it was given
and acts through the integration's own user — never a superuser — so desk rules
and the audit trail treat it like a moderator that cannot log in; what each
scope allows is in :mod:`tribune.moderation.permissions`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.tokens import token_authenticate
from tribune.core.errors import InvalidInput, PermissionDenied
from tribune.moderation.models import DeskAssignment
from tribune.moderation.permissions import Scope, TokenGrant, can_edit_desk
from tribune.publishing.services import thread_publish
from tribune.sites.models import Desk
from tribune.sites.services import desk_get
from tribune.threads.models import ModerationMode, Thread
from tribune.threads.services import article_resolve, title_clean

from .models import Integration, IntegrationToken

TOKEN_PREFIX = "tri_"  # noqa: S105 - a visible prefix, not a secret
NAME_MAX = 100
USER_PREFIX = "integration:"


def _key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _clean_scopes(scopes: list[str]) -> list[str]:
    clean = sorted({(s or "").strip().lower() for s in scopes} - {""})
    unknown = [s for s in clean if s not in Scope.values]
    if unknown or not clean:
        raise InvalidInput(
            _("Give at least one scope among %(known)s (not %(unknown)s).")
            % {"known": ", ".join(Scope.values), "unknown": ", ".join(unknown) or "none"},
            field="scope",
        )
    return clean


def integration_token_create(
    *, name: str, scopes: list[str], desk_codes: list[str] | None = None
) -> str:
    """Make an API token for the integration ``name`` (created on first use) with
    the given scopes; the raw token is returned once only.

    ``desk_codes`` limits what the integration sees and changes to those desks; on
    a new integration, none means every desk. Given for an existing integration,
    they replace its desks.
    """
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise InvalidInput(_("An integration's name is 1–100 printable characters."),
                           field="name")
    clean = _clean_scopes(scopes)
    codes = sorted({c.strip().lower() for c in (desk_codes or []) if c.strip()})
    desks = list(Desk.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {d.code for d in desks})
    if missing:
        raise InvalidInput(
            _("There is no desk %(codes)s.") % {"codes": ", ".join(missing)}, field="desk"
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        integration = Integration.objects.select_related("user").filter(name=name).first()
        if integration is None:
            User = get_user_model()
            username = (USER_PREFIX + name)[:150]
            if User.objects.filter(username=username).exists():
                raise InvalidInput(
                    _("The name %(name)s is taken by a user.") % {"name": username}, field="name"
                )
            # Never a superuser: "every desk" is the integration's all_desks,
            # and its scopes still bound what it does there.
            user = User(username=username, is_staff=False, is_superuser=False)
            user.set_unusable_password()
            user.save()
            integration = Integration.objects.create(name=name, user=user,
                                                     all_desks=not desks)
        elif desks:
            integration.all_desks = False
            integration.save(update_fields=["all_desks"])
            DeskAssignment.objects.filter(user=integration.user).delete()
        if desks:
            DeskAssignment.objects.bulk_create(
                DeskAssignment(user=integration.user, desk=d) for d in desks
            )
        IntegrationToken.objects.create(
            integration=integration, key_hash=_key_hash(raw), prefix=raw[:12],
            scopes=" ".join(clean),
        )
    return raw


def integration_token_revoke(*, prefix: str) -> int:
    """Revoke the integration tokens starting with ``prefix``; returns how many."""
    if len(prefix or "") < 8:
        raise InvalidInput(_("Give at least the first 8 characters of the token."),
                           field="prefix")
    return IntegrationToken.objects.filter(
        prefix__startswith=prefix[:12], revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def token_authenticate_scoped(raw: str, *, scope: str) -> AbstractBaseUser | None:
    """The user a token acts as, when it holds ``scope``; None otherwise.

    A moderator's token acts as the moderator (with the moderator's permissions);
    an integration's only for the scopes it was given, which the returned user
    carries as its ``token_grant``. Revoked tokens and inactive users
    authenticate nothing.
    """
    if not raw or len(raw) > 100:
        return None
    if not raw.startswith(TOKEN_PREFIX):
        return token_authenticate(raw)
    token = (
        IntegrationToken.objects.select_related("integration__user")
        .filter(key_hash=_key_hash(raw), revoked_at__isnull=True,
                integration__user__is_active=True)
        .first()
    )
    if token is None or scope not in token.scope_list:
        return None
    IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    user = token.integration.user
    user.token_grant = TokenGrant(scopes=frozenset(token.scope_list),
                                  all_desks=token.integration.all_desks)
    return user


# --- Threads, as the CMS sets them --------------------------------------------


class Unset:
    """Marks a field the caller did not send (distinct from null)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset()


@dataclass(frozen=True)
class ThreadSaved:
    thread: Thread
    created: bool


def _desk(code: object) -> Desk:
    return desk_get(code=code)


def thread_save(
    *,
    actor: AbstractBaseUser,
    url: object,
    title: object = UNSET,
    desk: object = UNSET,
    is_open: object = UNSET,
    moderation: object = UNSET,
) -> ThreadSaved:
    """Create the thread of an article URL, or change the fields given.

    The URL must be under a registered site (``NotFound`` ``unknown_site``).
    Creating a thread, or changing one, is managing the article's settings: the
    actor must manage the settings of the thread's desk, of the desk it moves to,
    and — for a new thread — of the site's own desk, so that no desk claims
    another's articles (``PermissionDenied`` ``other_desk``; the rule is
    :func:`tribune.moderation.permissions.can_edit_desk`: desk editors,
    administrators, integration tokens with ``threads:write``). Switching to
    post-moderation publishes only new comments; those already waiting stay in
    the queue. On return the change and the thread's new published view are
    committed together.
    """
    ref = article_resolve(url=url)
    new_title = UNSET if title is UNSET or title is None else title_clean(title)
    new_desk = UNSET if desk is UNSET or desk is None else _desk(desk)
    if is_open is not UNSET and is_open is not None and not isinstance(is_open, bool):
        raise InvalidInput(_("open must be true or false."), field="open")
    if moderation is not UNSET and moderation is not None and (
        moderation not in ModerationMode.values
    ):
        raise InvalidInput(_("moderation must be pre or post."), field="moderation")

    def check_desk(d: Desk) -> None:
        if not can_edit_desk(actor, d.pk):
            raise PermissionDenied(
                _("This token may not manage threads of the desk %(code)s.") % {"code": d.code},
                field="desk", code="other_desk",
            )

    created = False
    with transaction.atomic():
        thread = (
            Thread.objects.select_for_update().select_related("desk", "site")
            .filter(url=ref.url).first()
        )
        if thread is None:
            thread = Thread(site=ref.site, desk=ref.site.default_desk, url=ref.url)
            created = True
        check_desk(thread.desk)
        if new_desk is not UNSET:
            thread.desk = new_desk
        check_desk(thread.desk)
        if new_title is not UNSET:
            thread.title = new_title
        if is_open not in (UNSET, None):
            thread.is_open = is_open
        if moderation not in (UNSET, None):
            thread.moderation = moderation
        try:
            with transaction.atomic():
                thread.save()
        except IntegrityError:
            # A reader's first comment created the thread meanwhile: update that one.
            thread.pk = Thread.objects.get(url=ref.url).pk
            created = False
            thread.save(force_update=True)
        thread_publish(thread=thread)
    return ThreadSaved(thread=thread, created=created)


def integration_authenticate(request, raw: str) -> AbstractBaseUser | None:
    """For the moderation endpoints: an integration token holding
    ``moderation:read`` (to read) or ``moderation:write`` (to change anything)."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    scope = Scope.MODERATION_READ if request.method in ("GET", "HEAD") else Scope.MODERATION_WRITE
    return token_authenticate_scoped(raw, scope=scope)
