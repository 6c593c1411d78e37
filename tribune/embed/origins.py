"""Which site a browser's ``Origin`` belongs to, for CORS and for refusing a
comment sent from another site's page."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, PermissionDenied
from tribune.sites.models import Site, SiteOrigin
from tribune.sites.urls import origin_of
from tribune.threads.services import article_resolve

# Registering or removing an origin takes effect within this many seconds; the
# lookup is cached because every cross-origin read asks it.
ORIGIN_CACHE_SECONDS = 60
_ORIGIN_MAX = 300


_GENERATION_KEY = "tribune:origin-site:generation"


def _cache_key(normalised: str) -> str:
    generation = cache.get(_GENERATION_KEY, 0)
    digest = hashlib.sha256(normalised.encode()).hexdigest()[:32]
    return f"tribune:origin-site:{generation}:{digest}"


def origins_forget() -> None:
    """Forget every cached answer (sites are registered in bulk, so no single
    origin can be named). Other processes' caches expire within
    ``ORIGIN_CACHE_SECONDS`` unless the cache is shared."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 1, None)


def _registration_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    origins_forget()
    # Again once committed: a lookup made while the change was in flight
    # must not keep the old answer.
    transaction.on_commit(origins_forget)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in (Site, SiteOrigin):
        post_save.connect(_registration_changed, sender=model,
                          dispatch_uid=f"embed-{model.__name__}-saved")
        post_delete.connect(_registration_changed, sender=model,
                            dispatch_uid=f"embed-{model.__name__}-deleted")


def origin_site_id(origin: str | None) -> int | None:
    """The id of the site ``origin`` (an ``Origin`` header) is registered to, or None."""
    if not origin or len(origin) > _ORIGIN_MAX or origin == "null":
        return None
    try:
        normalised = origin_of(origin, field="origin")
    except InvalidInput:
        return None
    key = _cache_key(normalised)
    cached = cache.get(key)
    if cached is None:
        cached = (
            SiteOrigin.objects.filter(origin=normalised).values_list("site_id", flat=True).first()
            or 0
        )
        cache.set(key, cached, ORIGIN_CACHE_SECONDS)
    return cached or None


def _own_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def origin_check_for_article(request: HttpRequest, *, url: object) -> None:
    """Refuse a submission whose page is not one of the article's site's pages.

    Requests without ``Origin`` (servers, old clients) and Tribune's own pages pass;
    the URL itself is checked by the caller's service (``unknown_site``). An
    ``Origin`` registered to another site, unregistered, or opaque (``null``) is
    ``PermissionDenied`` (code ``origin_mismatch``).
    """
    origin = request.headers.get("Origin")
    if not origin or origin == _own_origin(request):
        return
    ref = article_resolve(url=url)
    if origin_site_id(origin) != ref.site.pk:
        raise PermissionDenied(
            _("Comments for this article can only be sent from the pages of its own site."),
            field="url",
            code="origin_mismatch",
        )
