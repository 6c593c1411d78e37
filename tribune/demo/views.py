"""The demo newspaper: a front page and articles with their comments embedded.

It plays the publisher's site, so it does what a publisher's page would, in the
two ways docs/embed.md describes: some articles carry the one-script-tag widget
(``embed.js``, with a link to the thread page for browsers without JavaScript),
the others an ``<iframe>`` of Tribune's no-JS thread page, sized to fit by a few
lines of script, with a plain link to the same page for browsers without frames.
Each article page says which it shows. Nothing comes from a third party.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tribune.core.errors import TribuneError
from tribune.publishing.selectors import published_counts
from tribune.sites.models import SiteOrigin
from tribune.sites.url_rules import origin_of

from .content import ARTICLES, ARTICLES_BY_SLUG, DESKS_BY_CODE, SITE_NAME, DemoArticle


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
        "other": _shown_the_other_way(item),
    })


def _shown_the_other_way(item: DemoArticle) -> DemoArticle | None:
    """An article whose comments are embedded the other way, in the same desk if
    one is, so that a visitor can compare the two."""
    others = [a for a in ARTICLES if a.embed != item.embed]
    return next((a for a in others if a.desk == item.desk), others[0] if others else None)
