"""The reader's read path: the render store first, the database only on a miss.

In steady state a read costs no query: the render (or the remembered answer for
a URL that has none) comes from :mod:`tribune.publishing.store`. On a miss the
``ThreadRender`` row is read — one indexed lookup whatever the number of
comments — and put back in the store for every process.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, NotFound, TribuneError
from tribune.sites.url_rules import normalise_url, origin_of
from tribune.threads.services import article_resolve

from .models import ThreadRender
from .services import empty_render, row_render
from .store import Render, store


def url_normalised(url: object) -> str:
    """:func:`normalise_url`, whose answers are kept (:mod:`tribune.sites.url_rules`);
    a refusal is raised afresh each time, in the language of the request at hand."""
    return normalise_url(url)


def _refusal(error: TribuneError, url: str) -> TribuneError:
    """A fresh copy of a remembered refusal, with its message in the language of
    the request at hand (the words of :func:`site_for_origin`)."""
    if isinstance(error, NotFound) and error.code == "unknown_site":
        return NotFound(
            _("Comments are not enabled for %(origin)s: it is not a registered site.")
            % {"origin": origin_of(url)},
            field=error.field, code=error.code,
        )
    return type(error)(error.message, field=error.field, code=error.code)


def published_render(*, url: object) -> Render:
    """The published view of an article's thread, as served to readers.

    Raises ``InvalidInput``/``NotFound`` like :func:`article_resolve` for URLs
    outside every registered site. A thread not yet created reads as empty.
    """
    normalised = url_normalised(url)
    renders = store()
    found = renders.lookup(normalised)
    if isinstance(found, Render):
        return found
    if isinstance(found, TribuneError):
        raise _refusal(found, normalised)

    epoch = renders.epoch() if renders.enabled else ""
    try:
        ref = article_resolve(url=normalised)
    except NotFound as error:
        renders.remember_absent(normalised, error, epoch=epoch)
        raise
    row = (
        ThreadRender.objects.filter(url=ref.url)
        .values_list("payload", "etag", "count", "version")
        .first()
    )
    if row is not None:
        payload, etag, count, version = row
        language = ref.thread.desk.language if ref.thread is not None else ""
        render = row_render(payload=payload, etag=etag, count=count, version=version,
                            language=language, epoch=epoch)
        renders.save(ref.url, render)
        return render
    render = empty_render(ref.thread, url=ref.url, epoch=epoch)
    if ref.thread is not None:
        renders.save(ref.url, render)
    else:
        renders.remember_absent(ref.url, render, epoch=epoch)
    return render


def published_view(*, url: object) -> tuple[str, str]:
    """The published view of an article's thread as ``(json_text, etag)``; see
    :func:`published_render`."""
    render = published_render(url=url)
    return render.body.decode(), render.etag


_ZERO = object()


def published_counts(*, urls: list[str]) -> dict[str, int]:
    """Published comment counts keyed by the URLs as given (0 when unknown)."""
    renders = store()
    counts: dict[str, int] = {}
    missing: dict[str, list[str]] = {}
    for url in urls:
        try:
            normalised = url_normalised(url)
        except InvalidInput:  # a malformed URL simply has no comments
            counts[url] = 0
            continue
        found = renders.lookup(normalised, kind="count")
        if isinstance(found, Render):
            counts[url] = found.count
        elif found is _ZERO:
            counts[url] = 0
        else:
            missing.setdefault(normalised, []).append(url)
    if missing:
        epoch = renders.epoch() if renders.enabled else ""
        rows = ThreadRender.objects.filter(url__in=list(missing)).values_list(
            "url", "payload", "etag", "count", "version", "thread__desk__language")
        for row_url, payload, etag, count, version, language in rows:
            renders.save(row_url, row_render(payload=payload, etag=etag, count=count,
                                             version=version, language=language, epoch=epoch))
            for url in missing.pop(row_url, []):
                counts[url] = count
        for normalised, given in missing.items():
            renders.remember_absent(normalised, _ZERO, epoch=epoch, kind="count")
            for url in given:
                counts[url] = 0
    return {url: counts[url] for url in urls}
