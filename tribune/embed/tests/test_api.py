"""The widget's server side: its files, its configuration, CORS per registered
site, and refusing a comment sent from another site's page."""

from __future__ import annotations

import gzip
import json

import pytest
from django.test import Client

from tribune.comments.models import Comment
from tribune.core.testing import make_site
from tribune.threads.models import Thread

ARTICLE = "https://news.example.org/2026/11/article"
OTHER = "https://other.example.net"
WIDGET_GZIP_BUDGET = 15_000


def post(client: Client, payload: dict, **headers):
    return client.post("/api/v1/comments", data=json.dumps(payload),
                       content_type="application/json", headers=headers)


def test_embed_js_is_served_gzipped_under_budget_with_validators(db):
    client = Client()
    response = client.get("/embed.js", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    gzipped = b"".join(response.streaming_content)
    script = gzip.decompress(gzipped)
    css = gzip.decompress(b"".join(Client().get(
        "/embed.css", headers={"Accept-Encoding": "gzip"}).streaming_content))
    total = len(gzipped) + len(gzip.compress(css, 9))
    assert total < WIDGET_GZIP_BUDGET, f"widget is {total} bytes gzipped"
    # Data is only ever inserted as text.
    assert b"innerHTML" not in script and b"insertAdjacentHTML" not in script
    assert b"document.write" not in script and b"eval(" not in script
    again = client.get("/embed.js", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    plain = client.get("/embed.js")
    assert b"".join(plain.streaming_content) == script and "Content-Encoding" not in plain


def test_widget_files_carry_the_content_etag_caching_and_cross_origin_headers(db):
    """Served by WhiteNoise (tribune.embed.static) with the headers the widget
    needs: the same content-derived ETag on every host, an hour's caching, and
    loadable from any page."""
    import hashlib

    from tribune.embed.static import ASSETS

    client = Client()
    for name in ("embed.js", "embed.css"):
        response = client.get(f"/{name}", headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, name
        body = (ASSETS / name).read_bytes()
        assert gzip.decompress(b"".join(response.streaming_content)) == body
        assert response["ETag"] == f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        assert response["Cache-Control"] == ("public, max-age=3600, "
                                             "stale-while-revalidate=86400")
        assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"].replace("\"", "").endswith("charset=utf-8")
        head = client.head(f"/{name}")
        assert head.status_code == 200 and head["ETag"] == response["ETag"]
        assert client.post(f"/{name}").status_code == 405


def test_config_is_in_the_desk_language_and_direction(db, site, rtl_site):
    make_site(origin="https://ko.example.org", desk_code="ko", name="Korean")
    data = Client().get("/embed/config", {"url": "https://ko.example.org/a"}).json()
    assert (data["lang"], data["dir"]) == ("ko", "ltr")
    assert data["strings"]["heading"] == "댓글"
    assert data["strings"]["send"] == "검토 요청하기"
    assert data["clauses"]["3"] == "인신공격과 혐오 금지"
    # The report's reasons and the reader's choices, in the desk's language too.
    assert ["spam", "스팸 또는 광고"] in data["report_reasons"]
    assert data["strings"]["edit_comment"] == "댓글 고치기"
    data = Client().get("/embed/config", {"url": "https://uy.example.org/a"}).json()
    assert (data["lang"], data["dir"]) == ("ug", "rtl")
    data = Client().get("/embed/config", {"url": ARTICLE}).json()
    assert data["strings"]["heading"] == "Comments"
    assert data["limits"] == {"author": 60, "body": site.body_max_length, "report": 500,
                              "email": 254}
    assert [value for value, _label in data["report_reasons"]] == [
        "spam", "abuse", "false", "privacy", "off_topic", "other"]
    assert data["page"].endswith("/embed/thread?url=https%3A%2F%2Fnews.example.org%2F2026%2F11"
                                 "%2Farticle")
    # A page may name the desk of a thread that does not exist yet.
    data = Client().get("/embed/config", {"url": ARTICLE, "desk": "ug"}).json()
    assert (data["lang"], data["dir"]) == ("ug", "rtl")
    response = Client().get("/embed/config", {"url": "https://nowhere.example/a"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_site"


def test_cors_is_open_to_registered_origins_only(db, site):
    make_site(origin=OTHER, name="Other")
    client = Client()
    for origin in ("https://news.example.org", OTHER):
        response = client.get("/api/v1/comments", {"url": ARTICLE}, headers={"Origin": origin})
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == origin
        assert response["Access-Control-Allow-Credentials"] == "true"
        assert "Origin" in response["Vary"]
    response = client.get("/api/v1/comments", {"url": ARTICLE},
                          headers={"Origin": "https://evil.example.com"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert "Origin" in response["Vary"]
    response = client.get("/api/v1/counts", {"url": ARTICLE}, headers={"Origin": "null"})
    assert "Access-Control-Allow-Origin" not in response


def test_preflight_for_registered_and_unregistered_origins(db, site):
    client = Client()
    headers = {"Origin": "https://news.example.org", "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "content-type, x-tribune-commenter"}
    response = client.options("/api/v1/comments", headers=headers)
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "https://news.example.org"
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "X-Tribune-Commenter" in response["Access-Control-Allow-Headers"]
    response = client.options("/api/v1/comments",
                              headers=headers | {"Origin": "https://evil.example.com"})
    assert response.status_code == 204
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Methods" not in response


@pytest.mark.parametrize("path", ["/api/v1/moderation/queue", "/api/v1/threads",
                                  "/api/v1/moderation/comments/1/decision",
                                  "/api/v1/openapi.json"])
def test_moderation_and_cms_endpoints_are_never_cors_open(db, site, moderator, path):
    client = Client()
    origin = {"Origin": "https://news.example.org"}
    preflight = client.options(path, headers=origin | {"Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight
    response = client.get(path, headers=origin | {"Authorization": f"Bearer {moderator.token}"})
    assert "Access-Control-Allow-Origin" not in response


def test_a_comment_from_another_sites_page_is_refused(db, site):
    make_site(origin=OTHER, name="Other")
    payload = {"url": ARTICLE, "author": "Mina", "body": "Hello"}
    response = post(Client(), payload, Origin=OTHER)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "origin_mismatch"
    response = post(Client(), payload, Origin="https://evil.example.com")
    assert response.status_code == 403
    assert not Comment.objects.exists() and not Thread.objects.exists()
    # From the site's own page, from Tribune's own pages, and from a server.
    assert post(Client(), payload, Origin="https://news.example.org").status_code == 202
    assert post(Client(), payload, Origin="http://testserver").status_code == 202
    assert post(Client(), payload).status_code == 202
    # Outside every site: refused as before.
    response = post(Client(), payload | {"url": "https://evil.example.com/a"},
                    Origin="https://evil.example.com")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_site"


def test_the_commenter_token_works_without_cookies(db, site):
    first = post(Client(), {"url": ARTICLE, "author": "Mina", "body": "One"})
    token = first.json()["commenter_token"]
    assert token
    # A browser that blocks third-party cookies sends the token back in a header.
    cookieless = Client()
    second = post(cookieless, {"url": ARTICLE, "author": "Mina", "body": "Two"},
                  **{"X-Tribune-Commenter": token})
    assert second.status_code == 202
    assert second.json()["commenter_token"] is None
    one, two = Comment.objects.order_by("id")
    assert one.commenter_id == two.commenter_id
    # A forged header is ignored: a new commenter.
    third = post(Client(), {"url": ARTICLE, "author": "X", "body": "Three"},
                 **{"X-Tribune-Commenter": "forged:value"})
    assert Comment.objects.get(pk=third.json()["id"]).commenter_id != one.commenter_id


def test_the_embedding_page_names_the_desk_and_title_of_a_new_thread(db, site, rtl_site):
    response = post(Client(), {"url": ARTICLE, "author": "Mina", "body": "Hi",
                               "title": "A title from the page", "desk": "ug"})
    assert response.status_code == 202
    thread = Thread.objects.get()
    assert (thread.desk.code, thread.title) == ("ug", "A title from the page")
    # An existing thread keeps its desk and title.
    post(Client(), {"url": ARTICLE, "author": "Mina", "body": "Hi", "title": "Other",
                    "desk": "en"})
    thread.refresh_from_db()
    assert (thread.desk.code, thread.title) == ("ug", "A title from the page")
    response = post(Client(), {"url": "https://news.example.org/b", "author": "M", "body": "x",
                               "desk": "nope"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "desk"
    assert Thread.objects.count() == 1
