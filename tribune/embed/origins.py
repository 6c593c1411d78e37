"""Which site a browser's ``Origin`` belongs to, for CORS and for refusing a
comment sent from another site's page."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, NotFound, PermissionDenied
from tribune.sites.services import site_for_origin
from tribune.sites.url_rules import origin_of
from tribune.threads.services import article_resolve

_ORIGIN_MAX = 300


def origin_site_id(origin: str | None, *, fresh: bool = False) -> int | None:
    """The id of the site ``origin`` (an ``Origin`` header) is registered to, or None.

    The answer is :func:`~tribune.sites.services.site_for_origin`'s, which every
    process keeps under the render store's epoch (one cache for one fact: any
    change to sites or origins is heard by every process). ``fresh``: read the
    database instead of this process's memory."""
    if not origin or len(origin) > _ORIGIN_MAX or origin == "null":
        return None
    try:
        normalised = origin_of(origin, field="origin")
        return site_for_origin(normalised, fresh=fresh).pk
    except (InvalidInput, NotFound):
        return None


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
    # On PostgreSQL another host may have just removed the origin: asked of the
    # database, as the submission's own checks are (comment_submit).
    if origin_site_id(origin, fresh=connection.vendor == "postgresql") != ref.site.pk:
        raise PermissionDenied(
            _("Comments for this article can only be sent from the pages of its own site."),
            field="url",
            code="origin_mismatch",
        )
