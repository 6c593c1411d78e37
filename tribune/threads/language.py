"""The one rule for the language of anything said about a thread.

Everything Tribune tells a reader about an article — the no-JS page and its form
errors, the widget's strings, the API's answers and refusals for that article,
the e-mail about a comment — is in the language of the article's desk, never in
the language the browser asks for (``Accept-Language``). A Korean desk's page
read in an English browser is Korean through and through, errors included; the
browser's language is only a fallback where no desk can be known (an address
outside every registered site).

The desk of an article is its thread's desk; for an article without a thread
yet, the desk the embedding page names (``desk``, as a new thread would get it),
else the site's default desk. :func:`article_desk` says which. A request about
an article then *speaks* that desk's language (:func:`request_speak`): the
language is activated for the rest of the request, as ``LocaleMiddleware``
activates the browser's at its start, so every message made afterwards —
services' errors are translated when they are raised, the API's handlers run
after the view — is in the desk's language, and ``LocaleMiddleware`` labels the
answer with it (``Content-Language``). Code outside a request (e-mails) uses
``translation.override(desk.language)`` for a block.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

from tribune.core.errors import TribuneError
from tribune.sites.models import Desk

from .services import ArticleRef, article_resolve


def ref_desk(ref: ArticleRef, *, desk_code: object = None) -> Desk:
    """The desk whose language speaks for ``ref``: the thread's, else the one
    named by ``desk_code`` (for a thread not created yet), else the site's default."""
    if ref.thread is not None:
        return ref.thread.desk
    code = str(desk_code).strip().lower()[:32] if isinstance(desk_code, str) else ""
    named = Desk.objects.filter(code=code).first() if code else None
    return named or ref.site.default_desk


def article_desk(url: object, *, desk_code: object = None) -> Desk | None:
    """The desk of the article at ``url``, or None when the URL names no article
    of a registered site (then nothing decides the language but the browser)."""
    try:
        ref = article_resolve(url=url)
    except TribuneError:
        return None
    return ref_desk(ref, desk_code=desk_code)


def request_speak(request: HttpRequest, desk: Desk | None) -> str:
    """Answer the rest of ``request`` in ``desk``'s language (the browser's when
    ``desk`` is None, as ``LocaleMiddleware`` chose it); returns the code in force."""
    if desk is not None:
        translation.activate(desk.language)
        request.LANGUAGE_CODE = desk.language
    return translation.get_language()


def request_speak_article(request: HttpRequest, url: object, *, desk_code: object = None) -> str:
    """:func:`request_speak` for the article at ``url`` (see :func:`article_desk`)."""
    return request_speak(request, article_desk(url, desk_code=desk_code))
