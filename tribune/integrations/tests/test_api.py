"""The CMS's threads API with scoped tokens, integration tokens on the
moderation API, and pages of published comments."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from tribune.comments.models import Comment
from tribune.core.testing import make_comment, make_moderator, make_published, make_site
from tribune.integrations.services import integration_token_create, integration_token_revoke
from tribune.publishing.services import thread_publish
from tribune.threads.models import Thread

ARTICLE = "https://news.example.org/2026/11/article"


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def save(client: Client, **payload):
    return client.post("/api/v1/threads", data=json.dumps(payload),
                       content_type="application/json")


def published(url: str = ARTICLE, **params) -> dict:
    response = Client().get("/api/v1/comments", {"url": url, **params})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def cms(db, site):
    return bearer(integration_token_create(name="cms", scopes=["threads:write"]))


def test_cms_creates_then_updates_a_thread_and_readers_see_it(cms, rtl_site):
    response = save(cms, url=ARTICLE + "?utm_source=x", title="Floods in the north", desk="en")
    assert response.status_code == 201, response.content
    assert response.json() | {"url": ARTICLE, "title": "Floods in the north", "desk": "en",
                              "open": True, "moderation": "pre", "created": True} \
        == response.json()
    assert published()["thread"]["title"] == "Floods in the north"

    response = save(cms, url=ARTICLE, open=False, moderation="post", desk="ug")
    assert response.status_code == 200
    body = response.json()
    # Fields left out keep their value.
    assert (body["title"], body["open"], body["moderation"], body["desk"], body["direction"],
            body["created"]) == ("Floods in the north", False, "post", "ug", "rtl", False)
    thread = published()["thread"]
    assert (thread["open"], thread["moderation"], thread["desk"], thread["direction"]) == (
        False, "post", "ug", "rtl")
    refused = Client().post("/api/v1/comments", data=json.dumps(
        {"url": ARTICLE, "author": "A", "body": "B"}), content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "thread_closed"


@pytest.mark.parametrize("payload, field", [
    ({"url": ARTICLE, "desk": "nope"}, "desk"),
    ({"url": ARTICLE, "moderation": "sometimes"}, "moderation"),
    ({"url": ARTICLE, "open": "yes"}, "open"),
    ({"url": ARTICLE, "title": "a\u0000b"}, "title"),
    ({"url": ARTICLE, "title": "x" * 301}, "title"),
    ({"url": "not a url"}, "url"),
    ({}, "url"),
])
def test_bad_thread_input_is_a_clear_400(cms, payload, field):
    response = save(cms, **payload)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == field
    assert not Thread.objects.exists()


def test_unknown_site_is_404(cms):
    response = save(cms, url="https://elsewhere.example/a", title="x")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_site"


def test_tokens_need_the_scope(db, site, moderator):
    reader = integration_token_create(name="dashboard", scopes=["moderation:read"])
    assert save(bearer(reader), url=ARTICLE, title="x").status_code == 401
    assert save(Client(), url=ARTICLE, title="x").status_code == 401
    assert save(bearer("tri_" + "x" * 43), url=ARTICLE).status_code == 401
    # A moderator's own token carries the moderator's permissions: a plain
    # moderator manages no article's settings; a desk editor of its desk does.
    assert save(bearer(moderator.token), url=ARTICLE, title="x").status_code == 403
    editor = make_moderator(name="en-editor", desk_codes=["en"], role="editor")
    assert save(bearer(editor.token), url=ARTICLE, title="x").status_code == 201
    # Revoked: nothing.
    writer = integration_token_create(name="cms", scopes=["threads:write"])
    assert save(bearer(writer), url=ARTICLE, title="y").status_code == 200
    assert integration_token_revoke(prefix=writer[:12]) == 1
    assert save(bearer(writer), url=ARTICLE, title="z").status_code == 401


def test_desk_limits_apply_to_tokens(db, site, rtl_site):
    en_only = bearer(integration_token_create(name="en-cms", scopes=["threads:write"],
                                              desk_codes=["en"]))
    assert save(en_only, url=ARTICLE, title="x").status_code == 201
    response = save(en_only, url=ARTICLE, desk="ug")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "other_desk"
    response = save(en_only, url="https://uy.example.org/a", title="x")
    assert response.status_code == 403
    ug_moderator = make_moderator(name="ug-mod", desk_codes=["ug"])
    assert save(bearer(ug_moderator.token), url=ARTICLE, open=False).status_code == 403
    assert Thread.objects.get().is_open


def test_integration_tokens_on_the_moderation_api(db, site):
    comment = make_comment(url=ARTICLE)
    read = bearer(integration_token_create(name="queue-reader", scopes=["moderation:read"]))
    write = bearer(integration_token_create(name="tool", scopes=["moderation:read",
                                                                 "moderation:write"]))
    cms = bearer(integration_token_create(name="cms", scopes=["threads:write"]))
    assert [c["id"] for c in read.get("/api/v1/moderation/queue").json()["comments"]] == [
        comment.pk]
    assert cms.get("/api/v1/moderation/queue").status_code == 401
    url = f"/api/v1/moderation/comments/{comment.pk}/decision"
    approve = {"data": json.dumps({"action": "approve"}), "content_type": "application/json"}
    assert read.post(url, **approve).status_code == 401
    response = write.post(url, **approve)
    assert response.status_code == 200, response.content
    assert comment.decisions.get().moderator.username == "integration:tool"


def test_token_scopes_are_checked_when_made(db):
    from tribune.core.errors import InvalidInput

    for scopes in ([], ["everything"], ["threads:write", "root"]):
        with pytest.raises(InvalidInput):
            integration_token_create(name="x", scopes=scopes)
    with pytest.raises(InvalidInput):
        integration_token_create(name="x", scopes=["threads:write"], desk_codes=["zz"])


def test_pages_and_since(db, site):
    comments = [make_published(url=ARTICLE, body=f"Comment {n}") for n in range(5)]
    # Published on five days in a row: this public read gives times to the site's
    # precision (the day by default, issue #15), so ``since`` tells days apart.
    first_day = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
    for n, comment in enumerate(comments):
        day = first_day + dt.timedelta(days=n)
        Comment.objects.filter(pk=comment.pk).update(
            submitted_at=day, published_at=day + dt.timedelta(minutes=5))
    thread_publish(thread=Thread.objects.select_related("site", "desk").get(url=ARTICLE))
    whole = published()
    assert "page" not in whole and len(whole["comments"]) == 5

    first = published(limit=2)
    assert [c["id"] for c in first["comments"]] == [c.pk for c in comments[:2]]
    assert first["page"]["total"] == 5 and first["page"]["next"]
    second = published(limit=2, cursor=first["page"]["next"])
    assert [c["id"] for c in second["comments"]] == [c.pk for c in comments[2:4]]
    last = published(limit=2, cursor=second["page"]["next"])
    assert [c["id"] for c in last["comments"]] == [comments[4].pk]
    assert last["page"]["next"] is None

    # ``since`` keeps what was published after it and, as the times are coarse,
    # in the same day too (a poller misses nothing); the days before are left out.
    since = whole["comments"][2]["published"]
    assert since == "2026-11-04T00:00:00+00:00"
    newer = published(since=since)
    assert [c["id"] for c in newer["comments"]] == [c.pk for c in comments[2:]]
    assert newer["page"]["total"] == 3
    late_that_day = published(since="2026-11-04T23:59:00Z")
    assert [c["id"] for c in late_that_day["comments"]] == [c.pk for c in comments[2:]]
    assert published(since="2026-11-05T00:00:00Z")["page"]["total"] == 2
    assert published(since="2000-01-01T00:00:00Z")["page"]["total"] == 5

    for params, field in (({"limit": 0}, "limit"), ({"limit": 201}, "limit"),
                          ({"since": "yesterday"}, "since"), ({"cursor": "%%%"}, "cursor"),
                          ({"limit": "many"}, "limit")):
        response = Client().get("/api/v1/comments", {"url": ARTICLE, **params})
        assert response.status_code == 400, (params, response.content)
        assert response.json()["error"]["field"] == field

    # A page has its own validator.
    response = Client().get("/api/v1/comments", {"url": ARTICLE, "limit": 2})
    again = Client().get("/api/v1/comments", {"url": ARTICLE, "limit": 2},
                         headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert response["ETag"] != Client().get("/api/v1/comments", {"url": ARTICLE})["ETag"]


def test_openapi_lists_the_new_operations_with_examples(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "post" in schema["paths"]["/api/v1/threads"]
    params = {p["name"] for p in schema["paths"]["/api/v1/comments"]["get"]["parameters"]}
    assert {"url", "limit", "cursor", "since"} <= params
    components = schema["components"]["schemas"]
    for name in ("ThreadIn", "ThreadSavedOut", "ThreadCommentsOut"):
        assert components[name].get("examples"), name


def test_counts_for_many_urls(db, site):
    make_site(origin="https://b.example.org", name="B")
    make_published(url=ARTICLE)
    make_published(url="https://b.example.org/x")
    response = Client().get("/api/v1/counts", {"url": [ARTICLE, "https://b.example.org/x",
                                                       "https://b.example.org/none"]})
    assert response.json() == {ARTICLE: 1, "https://b.example.org/x": 1,
                               "https://b.example.org/none": 0}
