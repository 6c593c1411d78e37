"""Threads: one per article URL under a registered site, created on first use."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput
from tribune.core.text import clean_text
from tribune.sites.models import Site
from tribune.sites.services import site_for_origin
from tribune.sites.urls import normalise_url, origin_of

from .models import Thread

TITLE_MAX = 300


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
    thread = Thread.objects.select_related("desk", "site").filter(url=normalised).first()
    return ArticleRef(url=normalised, site=site, thread=thread)


def _clean_title(title: object) -> str:
    if title is None:
        return ""
    if not isinstance(title, str):
        raise InvalidInput(_("The title must be text."), field="title")
    title = title.strip()
    if not title:
        return ""
    return clean_text(title, field="title", max_length=TITLE_MAX, allow_newlines=False)


def thread_get_or_create(*, url: object, title: object = None) -> Thread:
    """The thread for an article URL, created on first use under a registered site."""
    ref = article_resolve(url=url)
    if ref.thread is not None:
        return ref.thread
    clean = _clean_title(title)
    try:
        with transaction.atomic():
            return Thread.objects.create(
                site=ref.site, desk=ref.site.default_desk, url=ref.url, title=clean
            )
    except IntegrityError:
        # Another request created it between our read and our write.
        return Thread.objects.select_related("desk", "site").get(url=ref.url)
