"""Which site a browser's ``Origin`` belongs to, for CORS and for refusing a
comment sent from another site's page."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, PermissionDenied
from tribune.sites.models import SiteOrigin
from tribune.sites.urls import origin_of
from tribune.threads.services import article_resolve

# Registering or removing an origin takes effect within this many seconds; the
# lookup is cached because every cross-origin read asks it.
ORIGIN_CACHE_SECONDS = 60
_ORIGIN_MAX = 300


def origin_site_id(origin: str | None) -> int | None:
    """The id of the site ``origin`` (an ``Origin`` header) is registered to, or None."""
    if not origin or len(origin) > _ORIGIN_MAX or origin == "null":
        return None
    try:
        normalised = origin_of(origin, field="origin")
    except InvalidInput:
        return None
    key = "tribune:origin-site:" + hashlib.sha256(normalised.encode()).hexdigest()[:32]
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
