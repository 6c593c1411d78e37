"""The reader's read path: one indexed lookup, never a scan of comments."""

from __future__ import annotations

import hashlib
import json

from tribune.core.errors import InvalidInput
from tribune.sites.urls import normalise_url
from tribune.threads.services import article_resolve

from .models import ThreadRender
from .services import thread_summary


def published_view(*, url: object) -> tuple[str, str]:
    """The published view of an article's thread as ``(json_text, etag)``.

    Raises ``InvalidInput``/``NotFound`` like :func:`article_resolve` for URLs
    outside every registered site. A thread not yet created reads as empty.
    """
    ref = article_resolve(url=url)
    row = ThreadRender.objects.filter(url=ref.url).values_list("payload", "etag").first()
    if row is not None:
        return row
    payload = json.dumps(
        {"thread": thread_summary(ref.thread, url=ref.url, count=0), "comments": []},
        ensure_ascii=False, separators=(",", ":"),
    )
    return payload, hashlib.sha256(payload.encode()).hexdigest()[:32]


def published_counts(*, urls: list[str]) -> dict[str, int]:
    """Published comment counts keyed by the URLs as given (0 when unknown)."""
    normalised: dict[str, str] = {}
    for url in urls:
        try:
            normalised[url] = normalise_url(url)
        except InvalidInput:  # a malformed URL simply has no comments
            normalised[url] = ""
    counts = dict(
        ThreadRender.objects.filter(url__in=[u for u in normalised.values() if u])
        .values_list("url", "count")
    )
    return {url: counts.get(norm, 0) for url, norm in normalised.items()}
