"""Changing an article's settings: open or closed, pre- or post-moderated, when
it closes by itself.

The moderation API (tribune.api.moderation) and the workspace
(tribune.moderation.workspace) call :func:`thread_settings_update`; it checks
desk permissions (moderation) and re-renders the thread's published view
(publishing), both above threads, so the use case lives here.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, NotFound, PermissionDenied
from tribune.core.ids import parse_id
from tribune.moderation.permissions import can_edit_desk, can_see_desk
from tribune.publishing.services import thread_publish
from tribune.threads.models import ModerationMode, Thread


def thread_settings_update(
    *, actor: AbstractBaseUser, thread_id: object, is_open: object, moderation: object,
    closes_at: dt.datetime | None,
) -> Thread:
    """Set whether a thread takes comments, how they are moderated (``pre``: a
    moderator approves each before publication; ``post``: published at once,
    reviewed afterwards) and when it closes by itself (None: never).

    ``actor`` must manage the settings of the thread's desk (desk editors,
    administrators, integration tokens with ``threads:write``:
    :func:`tribune.moderation.permissions.can_edit_desk`), else
    ``PermissionDenied``; a thread of a desk they do not see is ``NotFound``.
    Every surface calls this, so the rule is the same on each. The thread's
    published view is re-rendered in the same transaction, so readers see the
    change at once.
    """
    thread_id = parse_id(thread_id, field="thread")
    if not isinstance(is_open, bool):
        raise InvalidInput(_("Open must be true or false."), field="open")
    if moderation not in ModerationMode.values:
        raise InvalidInput(_("Moderation must be pre or post."), field="moderation")
    if closes_at is not None and timezone.is_naive(closes_at):
        raise InvalidInput(_("The closing time needs a time zone."), field="closes_at")
    with transaction.atomic():
        thread = (
            Thread.objects.select_for_update().select_related("desk", "site")
            .filter(pk=thread_id).first()
        )
        if thread is None or not can_see_desk(actor, thread.desk_id):
            raise NotFound(_("There is no article %(id)s.") % {"id": thread_id})
        if not can_edit_desk(actor, thread.desk_id):
            raise PermissionDenied(
                _("Only a desk editor or an administrator changes an article's settings."))
        if is_open and closes_at is not None and closes_at <= timezone.now():
            raise InvalidInput(
                _("An open article cannot have a closing time in the past."),
                field="closes_at",
            )
        thread.is_open = is_open
        thread.moderation = moderation
        thread.closes_at = closes_at
        thread.save(update_fields=["is_open", "moderation", "closes_at"])
        thread_publish(thread=thread)
    return thread
