"""Threads: one per article URL under a registered site, created on first use."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, NotFound
from tribune.core.ids import parse_id
from tribune.core.memory import EPOCH, THREADS, remembered
from tribune.core.text import clean_text
from tribune.sites.models import Desk, Site
from tribune.sites.services import site_for_origin
from tribune.sites.url_rules import normalise_url, origin_of

from .models import Thread
from .signals import thread_view_changed

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
    or a desk or site changes (stamps THREADS and EPOCH, :mod:`tribune.core.memory`); the
    caller gets its own copy."""
    thread = remembered((THREADS, EPOCH), ("thread", url), lambda: _thread_lookup(url))
    return copy.copy(thread) if thread is not None else None


def _close_expired(thread: Thread) -> Thread:
    """Close a thread whose automatic closing time has passed, once: the first
    request to see it past that time closes it and re-renders its published
    view (the render says whether the thread is open: publishing hears
    :data:`~tribune.threads.signals.thread_view_changed`)."""
    with transaction.atomic():
        changed = Thread.objects.filter(pk=thread.pk, is_open=True).update(is_open=False)
        thread.is_open = False
        if changed:
            thread_view_changed.send(sender=Thread, thread=thread)
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
    fetched from the article's URL. Its published view is rendered again
    (:data:`~tribune.threads.signals.thread_view_changed`)."""
    clean = title_clean(title)
    if thread.title or not clean:
        return False
    if not Thread.objects.filter(pk=thread.pk, title="").update(title=clean):
        return False
    thread.title = clean
    thread_view_changed.send(sender=Thread, thread=thread)
    return True


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
