"""The demo newspaper: a front page and articles with their comments embedded.

It plays the publisher's site, so it does what a publisher's page would: an
``<iframe>`` of Tribune's no-JS thread page, and a plain link to the same page
for browsers without frames. No script, nothing from a third party.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tribune.core.errors import TribuneError
from tribune.publishing.selectors import published_counts
from tribune.sites.models import SiteOrigin
from tribune.sites.urls import origin_of

from .content import ARTICLES, ARTICLES_BY_SLUG, DESKS_BY_CODE, SITE_NAME


def demo_origin(request: HttpRequest) -> str:
    """The origin the demo's threads live under.

    The origin the browser used when it is registered; otherwise the demo
    site's (``tribune demo --origin``), so that http://localhost:8000 still
    shows the comments loaded for http://127.0.0.1:8000.
    """
    try:
        here = origin_of(request.build_absolute_uri("/"))
    except TribuneError:
        here = ""
    if here and SiteOrigin.objects.filter(origin=here).exists():
        return here
    registered = (
        SiteOrigin.objects.filter(site__name=SITE_NAME).order_by("-site_id", "id")
        .values_list("origin", flat=True).first()
    )
    return registered or here


# A fixed name (DESIGN.md): Tribune's no-JS thread page.
THREAD_PAGE = "/embed/thread"


def _thread_page(url: str) -> str:
    return f"{THREAD_PAGE}?{urlencode({'url': url})}"


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    origin = demo_origin(request)
    urls = {article.slug: origin + article.path for article in ARTICLES}
    counts = published_counts(urls=list(urls.values()))
    articles = [
        {"article": a, "desk": DESKS_BY_CODE[a.desk], "count": counts[urls[a.slug]]}
        for a in ARTICLES
    ]
    return render(request, "demo/index.html", {"articles": articles})


@require_safe
def article(request: HttpRequest, slug: str) -> HttpResponse:
    item = ARTICLES_BY_SLUG.get(slug)
    if item is None:
        raise Http404("No such demo article.")
    url = demo_origin(request) + item.path
    return render(request, "demo/article.html", {
        "article": item,
        "desk": DESKS_BY_CODE[item.desk],
        "article_url": url,
        "thread_page": _thread_page(url),
    })
