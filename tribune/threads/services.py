"""Threads: one per article URL under a registered site, created on first use."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, NotFound, PermissionDenied
from tribune.core.ids import parse_id
from tribune.core.text import clean_text
from tribune.moderation.permissions import can_edit_desk, can_see_desk
from tribune.sites.models import Desk, Site
from tribune.sites.services import site_for_origin
from tribune.sites.url_rules import normalise_url, origin_of

from .models import ModerationMode, Thread

TITLE_MAX = 300
AUTO_CLOSE_DAYS_MAX = 3650


@dataclass(frozen=True)
class ArticleRef:
    """An article URL resolved to its site; ``thread`` is None until first use."""

    url: str
    site: Site
    thread: Thread | None


def article_resolve(*, url: object) -> ArticleRef:
    """Resolve an article URL without creating anything.

    Raises ``InvalidInput`` for a malformed URL and ``NotFound`` (code
    ``unknown_site``) for a URL outside every registered site's origins.
    """
    normalised = normalise_url(url)
    site = site_for_origin(origin_of(normalised))
    thread = _thread_of(normalised)
    if thread is not None and thread.is_open and thread.closes_at is not None \
            and thread.closes_at <= timezone.now():
        thread = _close_expired(thread)
    return ArticleRef(url=normalised, site=site, thread=thread)


def _thread_lookup(url: str) -> Thread | None:
    return Thread.objects.select_related("desk", "site").filter(url=url).first()


def _thread_of(url: str) -> Thread | None:
    """The thread of a normalised URL, or None. Every submission asks: the answer
    is kept in the process until any thread is created, saved again or deleted,
    or a desk or site changes (stamps THREADS and EPOCH of the render store); the
    caller gets its own copy."""
    from tribune.publishing.store import EPOCH, THREADS, store

    thread = store().remembered((THREADS, EPOCH), ("thread", url), lambda: _thread_lookup(url))
    return copy.copy(thread) if thread is not None else None


def _close_expired(thread: Thread) -> Thread:
    """Close a thread whose automatic closing time has passed, once: the first
    request to see it past that time closes it and re-renders its published
    view (the render says whether the thread is open)."""
    from tribune.publishing.services import thread_publish

    with transaction.atomic():
        changed = Thread.objects.filter(pk=thread.pk, is_open=True).update(is_open=False)
        thread.is_open = False
        if changed:
            thread_publish(thread=thread)
    return thread


def title_clean(title: object) -> str:
    """An article title as stored: NFC text of at most 300 characters, or ''."""
    if title is None:
        return ""
    if not isinstance(title, str):
        raise InvalidInput(_("The title must be text."), field="title")
    title = title.strip()
    if not title:
        return ""
    return clean_text(title, field="title", max_length=TITLE_MAX, allow_newlines=False)


def thread_get_or_create(*, url: object, title: object = None, desk: Desk | None = None) -> Thread:
    """The thread for an article URL, created on first use under a registered site,
    on ``desk`` (the one the embedding page names) or the site's default desk."""
    ref = article_resolve(url=url)
    if ref.thread is not None:
        return ref.thread
    clean = title_clean(title)
    closes_at = None
    if ref.site.auto_close_days:
        closes_at = timezone.now() + dt.timedelta(days=ref.site.auto_close_days)
    try:
        with transaction.atomic():
            return Thread.objects.create(
                site=ref.site, desk=desk or ref.site.default_desk, url=ref.url, title=clean,
                closes_at=closes_at,
            )
    except IntegrityError:
        # Another request created it between our read and our write.
        return Thread.objects.select_related("desk", "site").get(url=ref.url)


def thread_title_fill(*, thread: Thread, title: object) -> bool:
    """Give a thread without a title the embedding page's title (an existing title,
    set by the CMS or a first use, is kept); True if it changed. Nothing is ever
    fetched from the article's URL."""
    from tribune.publishing.services import thread_publish

    clean = title_clean(title)
    if thread.title or not clean:
        return False
    if not Thread.objects.filter(pk=thread.pk, title="").update(title=clean):
        return False
    thread.title = clean
    thread_publish(thread=thread)
    return True


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
    from tribune.publishing.services import thread_publish

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


def site_auto_close_set(*, site_id: object, days: object) -> Site:
    """Set the site's default: new articles close by themselves ``days`` after
    their thread is created (None: they stay open). Existing threads keep their
    own closing time."""
    site_id = parse_id(site_id, field="site")
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        raise NotFound(_("There is no site %(id)s.") % {"id": site_id})
    number = None
    if days not in (None, ""):
        try:
            number = int(str(days))
        except ValueError:
            number = 0
        if not 1 <= number <= AUTO_CLOSE_DAYS_MAX:
            raise InvalidInput(
                _("Automatic closing is after 1 to %(max)s days.")
                % {"max": AUTO_CLOSE_DAYS_MAX}, field="days",
            )
    site.auto_close_days = number
    site.save(update_fields=["auto_close_days"])
    return site
