"""The read path: renders made at decision time, served without a query."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client

from tribune.comments.models import Comment
from tribune.core import testing as factories
from tribune.moderation.decisions import comment_decide
from tribune.publishing.fastpath import PublishedFastPath
from tribune.publishing.store import store
from tribune.wsgi import application as django_application

URL = "https://news.example.org/2026/11/read-path"
OTHER = "https://news.example.org/2026/11/nobody-commented"

pytestmark = pytest.mark.django_db(transaction=True)


def comments_of(client: Client, url: str = URL, **headers):
    return client.get("/api/v1/comments", {"url": url}, headers=headers)


def bodies(response) -> list[str]:
    return [c["body"] for c in response.json()["comments"]]


@pytest.fixture
def file_store(tmp_path):
    """The render files of one host (SQLite's store), whatever the database: what
    these tests check is how processes of a host share files."""
    from tribune.publishing import store as stores
    from tribune.publishing.store import FileStore

    previous = stores._store
    stores._store = FileStore(tmp_path / "renders")
    yield stores._store
    stores._store = previous


@pytest.fixture
def thread(site, moderator):
    factories.make_published(moderator, url=URL, body="First, published.")
    factories.make_published(moderator, url=URL, body="Second, published.")
    factories.make_comment(url=URL, body="Still pending.")
    return URL


def test_warm_read_of_comments_makes_no_query(file_store, thread, reader,
                                              django_assert_num_queries):
    assert bodies(comments_of(reader)) == ["First, published.", "Second, published."]
    store().forget_memory()  # another process: only the file is there
    with django_assert_num_queries(0):
        response = comments_of(reader)
    assert bodies(response) == ["First, published.", "Second, published."]
    with django_assert_num_queries(0):
        assert bodies(comments_of(reader, url=URL + "?utm_source=x#top")) == bodies(response)


def test_cold_read_is_one_indexed_lookup(thread, reader, django_assert_max_num_queries):
    store().epoch_bump()  # as after a restart: every render is checked again
    with django_assert_max_num_queries(3):  # origin, thread, render row
        assert bodies(comments_of(reader)) == ["First, published.", "Second, published."]


def test_warm_read_of_an_article_without_comments_and_of_counts_make_no_query(
        thread, reader, django_assert_num_queries):
    assert comments_of(reader, url=OTHER).json()["comments"] == []
    reader.get("/api/v1/counts", {"url": [URL, OTHER, "not a url"]})
    with django_assert_num_queries(0):
        assert comments_of(reader, url=OTHER).json()["comments"] == []
        counts = reader.get("/api/v1/counts", {"url": [URL, OTHER, "not a url"]})
    assert counts.json() == {URL: 2, OTHER: 0, "not a url": 0}


def test_unknown_site_is_refused_from_memory_too(site, reader, django_assert_num_queries):
    url = "https://elsewhere.example.net/a"
    first = comments_of(reader, url=url)
    with django_assert_num_queries(0):
        second = comments_of(reader, url=url)
    assert first.status_code == second.status_code == 404
    assert first.json() == second.json()
    assert second.json()["error"]["code"] == "unknown_site"


def test_etag_answers_304_and_cache_control_lets_a_cdn_keep_it(thread, reader):
    first = comments_of(reader)
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    assert first["Content-Language"] == "en"
    again = comments_of(reader, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"] == first["Cache-Control"]
    assert comments_of(reader, **{"If-None-Match": '"other"'}).status_code == 200
    counts = reader.get("/api/v1/counts", {"url": URL})
    assert "public" in counts["Cache-Control"]
    assert reader.get("/api/v1/counts", {"url": URL},
                      headers={"If-None-Match": counts["ETag"]}).status_code == 304


def test_every_decision_is_seen_by_the_next_read(thread, moderator, reader):
    before = comments_of(reader)
    pending = Comment.objects.get(body="Still pending.")
    first = Comment.objects.get(body="First, published.")

    comment_decide(comment_id=pending.pk, moderator=moderator, action="approve")
    approved = comments_of(reader, **{"If-None-Match": before["ETag"]})
    assert approved.status_code == 200
    assert bodies(approved) == ["First, published.", "Second, published.", "Still pending."]
    assert reader.get("/api/v1/counts", {"url": URL}).json() == {URL: 3}

    comment_decide(comment_id=first.pk, moderator=moderator, action="edit",
                   body="First, as edited.", clause=2)
    edited = comments_of(reader)
    assert bodies(edited)[0] == "First, as edited."
    assert edited.json()["comments"][0]["edited"] is True

    comment_decide(comment_id=first.pk, moderator=moderator, action="reject", clause=3)
    rejected = comments_of(reader)
    assert bodies(rejected) == ["Second, published.", "Still pending."]
    assert reader.get("/api/v1/counts", {"url": URL}).json() == {URL: 2}
    assert len({before["ETag"], approved["ETag"], edited["ETag"], rejected["ETag"]}) == 4


def test_first_comment_ends_the_remembered_no_thread_answer(site, moderator, reader):
    assert comments_of(reader, url=OTHER).json()["thread"]["desk"] is None
    comment = factories.make_comment(url=OTHER, title="A new article")
    thread = comments_of(reader, url=OTHER).json()["thread"]
    assert thread["desk"] == "en" and thread["title"] == "A new article"
    comment_decide(comment_id=comment.pk, moderator=moderator, action="approve")
    assert bodies(comments_of(reader, url=OTHER)) == ["A comment."]


def test_a_new_origin_ends_the_remembered_refusal(site, reader):
    from tribune.sites.models import SiteOrigin

    url = "https://second.example.org/a"
    assert comments_of(reader, url=url).status_code == 404
    SiteOrigin.objects.create(site=site, origin="https://second.example.org")
    assert comments_of(reader, url=url).status_code == 200


def test_an_older_render_never_replaces_a_newer_one(thread, moderator, reader):
    comments_of(reader)
    renders = store()
    stale = renders.lookup(URL)
    comment_decide(comment_id=Comment.objects.get(body="Still pending.").pk,
                   moderator=moderator, action="approve")
    assert renders.save(URL, stale) is False  # a slow reader's late write
    assert len(bodies(comments_of(reader))) == 3


def test_a_damaged_render_file_is_read_again_from_the_database(file_store, thread, reader):
    comments_of(reader)
    renders = store()
    path = Path(renders._path(URL))
    path.write_bytes(b"garbage")
    renders.forget_memory()
    assert bodies(comments_of(reader)) == ["First, published.", "Second, published."]


def _fast(environ_extra: dict) -> tuple[str, dict, bytes]:
    app = _FAST
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers

    environ = {"REQUEST_METHOD": "GET", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
               "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "SCRIPT_NAME": "",
               "wsgi.input": __import__("io").BytesIO(b""), "wsgi.errors": sys.stderr,
               **environ_extra}
    body = b"".join(app(environ, start_response))
    return seen["status"], dict(seen["headers"]), body


_FAST = PublishedFastPath(django_application)


def test_fast_path_answers_exactly_as_django_without_a_query(
        thread, django_assert_num_queries):
    query = {"PATH_INFO": "/api/v1/comments", "QUERY_STRING": urlencode({"url": URL})}
    through = _fast(query)  # Django answers, and the fast path learns its headers
    counts_query = {"PATH_INFO": "/api/v1/counts",
                    "QUERY_STRING": urlencode([("url", URL), ("url", OTHER)])}
    counts_through = _fast(counts_query)
    with django_assert_num_queries(0):
        fast = _fast(query)
        counts_fast = _fast(counts_query)
        not_modified = _fast({**query, "HTTP_IF_NONE_MATCH": fast[1]["ETag"]})
    assert fast[0] == through[0] == "200 OK"
    assert fast[2] == through[2]
    for name in ("Date", "Server"):
        through[1].pop(name, None)
    assert fast[1] == through[1]
    assert counts_fast[2] == counts_through[2] == json.dumps({URL: 2, OTHER: 0}).replace(
        " ", "").encode()
    assert not_modified[0].startswith("304") and not_modified[2] == b""
    # Anything it cannot answer exactly goes to Django: a page, a bad host, a POST.
    paged = _fast({**query, "QUERY_STRING": urlencode({"url": URL, "limit": 1})})
    assert json.loads(paged[2])["comments"][0]["body"] == "First, published."
    assert _fast({**query, "HTTP_HOST": "evil.example"})[0].startswith("400")
    assert _fast({"PATH_INFO": "/api/v1/comments", "QUERY_STRING": ""})[0].startswith("4")


CROSS_PROCESS_READER = textwrap.dedent("""
    import json, sys, time
    import django
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from tribune.publishing.selectors import published_render
    from tribune.publishing.store import FileStore
    import tribune.publishing.store as stores
    stores._store = FileStore(sys.argv[1])
    url, want = sys.argv[2], int(sys.argv[3])
    with CaptureQueriesContext(connection) as queries:
        render = published_render(url=url)
    print(json.dumps({"count": render.count, "queries": len(queries),
                      "bodies": [c["body"] for c in json.loads(render.body)["comments"]]}))
""")


def test_a_decision_in_one_process_is_seen_by_the_next_read_in_another(
        file_store, thread, moderator, tmp_path):
    """A second Python process reads the same database and render directory."""
    renders = store()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tribune.settings",
           "TRIBUNE_VAR_DIR": str(tmp_path / "var")}
    script = tmp_path / "reader.py"
    script.write_text(CROSS_PROCESS_READER)

    def other_process() -> dict:
        result = subprocess.run(  # noqa: S603
            [sys.executable, str(script), str(renders.directory), URL, "0"],
            env=env, capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    # The other process shares only the render directory (its database is an
    # empty file of its own): what it serves can only come from the renders.
    comment_decide(comment_id=Comment.objects.get(body="Still pending.").pk,
                   moderator=moderator, action="approve")
    seen = other_process()
    assert seen["count"] == 3 and seen["queries"] == 0
    comment_decide(comment_id=Comment.objects.get(body="First, published.").pk,
                   moderator=moderator, action="reject", clause=3)
    assert other_process()["bodies"] == ["Second, published.", "Still pending."]


def test_query_strings_are_parsed_once_and_the_memory_of_them_stays_bounded():
    from tribune.publishing import fastpath

    path = PublishedFastPath(django_application)
    assert path._urls("url=a&url=b") == ("a", "b")
    assert path._urls("url=a&other=1") is None  # not only urls: Django answers
    for number in range(fastpath.QUERIES_MAX + 10):  # made-up queries, one each
        path._urls(f"url=https%3A%2F%2Fx.example%2F{number}")
    assert len(path._queries) <= fastpath.QUERIES_MAX
    assert path._urls("url=a&url=b") == ("a", "b")
