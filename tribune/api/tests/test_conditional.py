"""Conditional reads of a thread answer as HTTP (RFC 9110) and Django's own
``condition`` say, on both the whole thread and a page of it: a weak validator
(``W/"…"``) or ``*`` in ``If-None-Match`` matches, a changed thread does not."""

from __future__ import annotations

import pytest
from django.test import Client

from tribune.core.testing import make_published

ARTICLE = "https://news.example.org/2026/11/article"


@pytest.mark.parametrize("query", [{}, {"limit": 1}], ids=["thread", "page"])
def test_weak_strong_and_any_validators_answer_304(site, moderator, query):
    make_published(moderator, url=ARTICLE)
    reader = Client()
    first = reader.get("/api/v1/comments", {"url": ARTICLE, **query})
    assert first.status_code == 200
    etag = first.headers["ETag"]
    for sent in (etag, f"W/{etag}", f'"other", W/{etag}', "*"):
        again = reader.get("/api/v1/comments", {"url": ARTICLE, **query},
                           headers={"If-None-Match": sent})
        assert again.status_code == 304, sent
        assert again.content == b"" and again.headers["ETag"] == etag
        assert "public" in again.headers["Cache-Control"]
    make_published(moderator, url=ARTICLE, body="Another.")
    changed = reader.get("/api/v1/comments", {"url": ARTICLE, **query},
                         headers={"If-None-Match": f"W/{etag}"})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
