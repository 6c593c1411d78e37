"""The JSON API of DESIGN.md's fixed names, through HTTP."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tribune.comments.models import Comment, Commenter
from tribune.core.testing import make_comment, make_published
from tribune.moderation.models import Decision
from tribune.threads.models import Thread

ARTICLE = "https://news.example.org/2026/11/article"

pytestmark = pytest.mark.django_db


def submit(client: Client, **fields):
    payload = {"url": ARTICLE, "author": "Reader", "body": "A comment."} | fields
    return client.post("/api/v1/comments", payload, content_type="application/json")


def published(client: Client, url: str = ARTICLE) -> dict:
    response = client.get("/api/v1/comments", {"url": url})
    assert response.status_code == 200
    return response.json()


def decide(api: Client, comment_id: int, **fields):
    return api.post(
        f"/api/v1/moderation/comments/{comment_id}/decision", fields,
        content_type="application/json",
    )


def queue(api: Client, status: str = "pending") -> dict:
    response = api.get("/api/v1/moderation/queue", {"status": status})
    assert response.status_code == 200
    return response.json()


def test_whole_loop_submit_then_approve(site, reader, api):
    response = submit(reader, author="김민지", body="좋은 기사입니다.\n감사합니다.")
    assert response.status_code == 202
    sent = response.json()
    assert sent["status"] == "pending"
    assert "real time" in sent["message"]

    assert published(reader)["comments"] == []
    assert [c["id"] for c in queue(api)["comments"]] == [sent["id"]]

    response = decide(api, sent["id"], action="approve")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"

    thread = published(Client())
    assert thread["thread"]["count"] == 1
    [comment] = thread["comments"]
    assert comment == comment | {
        "id": sent["id"], "parent": None, "author": "김민지",
        "body": "좋은 기사입니다.\n감사합니다.", "edited": False,
    }
    assert queue(api)["comments"] == []


def test_edit_keeps_original_and_shows_clause(site, reader, api):
    # Clause 5 (spam) is not about personal information: the original stays in
    # the audit trail (a clause-4 edit seals it instead: tribune/privacy/tests/test_vault.py).
    sent = submit(reader, body="Good report. Cheap watches at shop.example").json()
    response = decide(api, sent["id"], action="edit", body="Good report.", clause=5,
                      note="advert removed")
    assert response.status_code == 200
    [comment] = published(reader)["comments"]
    assert comment["body"] == "Good report."
    assert comment["edited"] is True
    assert comment["edit_clause"] == 5
    stored = Comment.objects.get(pk=sent["id"])
    assert stored.body == "Good report. Cheap watches at shop.example"
    decision = Decision.objects.get(comment=stored)
    assert (decision.action, decision.clause, decision.note) == ("edit", 5, "advert removed")
    assert decision.body_before == "Good report. Cheap watches at shop.example"
    assert decision.body_after == "Good report."
    assert decision.moderator.username == "moderator"


def test_reject_requires_clause_and_is_audited(site, reader, api):
    sent = submit(reader).json()
    response = decide(api, sent["id"], action="reject")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "clause"
    assert Comment.objects.get(pk=sent["id"]).status == "pending"
    assert not Decision.objects.exists()

    response = decide(api, sent["id"], action="reject", clause=3)
    assert response.status_code == 200
    assert response.json()["decision_clause"] == 3
    assert published(reader)["comments"] == []
    assert Decision.objects.get().status_after == "rejected"


def test_unknown_clause_and_action_are_refused(site, reader, api):
    sent = submit(reader).json()
    assert decide(api, sent["id"], action="reject", clause=99).json()["error"]["code"] == (
        "unknown_clause")
    assert decide(api, sent["id"], action="delete").status_code == 400
    assert decide(api, sent["id"], action="edit", clause=1).status_code == 400
    assert decide(api, sent["id"], action="approve", clause=1).status_code == 400
    assert not Decision.objects.exists()


def test_second_identical_decision_is_a_conflict(site, reader, api):
    sent = submit(reader).json()
    assert decide(api, sent["id"], action="approve").status_code == 200
    response = decide(api, sent["id"], action="approve")
    assert response.status_code == 409
    assert Decision.objects.count() == 1


def test_unpublishing_removes_from_published_view(site, reader, api):
    sent = submit(reader).json()
    decide(api, sent["id"], action="approve")
    assert len(published(reader)["comments"]) == 1
    decide(api, sent["id"], action="reject", clause=6)
    assert published(reader)["comments"] == []
    assert published(reader)["thread"]["count"] == 0


def test_replies_name_their_parent(site, reader, api):
    parent = submit(reader).json()
    decide(api, parent["id"], action="approve")
    reply = submit(reader, parent=parent["id"], body="A reply.").json()
    decide(api, reply["id"], action="approve")
    comments = published(reader)["comments"]
    assert [(c["id"], c["parent"]) for c in comments] == [
        (parent["id"], None), (reply["id"], parent["id"])
    ]


def test_counts_for_many_urls(site, moderator):
    other = "https://news.example.org/other"
    for _ in range(2):
        make_published(moderator, url=ARTICLE)
    make_comment(url=other)
    response = Client().get("/api/v1/counts", {"url": [ARTICLE, other, "https://x.org/a", "nope"]})
    assert response.status_code == 200
    assert response.json() == {ARTICLE: 2, other: 0, "https://x.org/a": 0, "nope": 0}


def test_counts_refuse_too_many_urls(site):
    response = Client().get("/api/v1/counts", {"url": [f"{ARTICLE}?p={i}" for i in range(101)]})
    assert response.status_code == 400


def test_etag_and_cache_headers(site, moderator):
    make_published(moderator, url=ARTICLE)
    client = Client()
    first = client.get("/api/v1/comments", {"url": ARTICLE})
    etag = first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get("/api/v1/comments", {"url": ARTICLE}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    make_published(moderator, url=ARTICLE, body="Another.")
    changed = client.get("/api/v1/comments", {"url": ARTICLE}, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_reading_a_thread_is_one_query_whatever_its_size(site, moderator):
    for index in range(30):
        make_published(moderator, url=ARTICLE, body=f"Comment {index}")
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/comments", {"url": ARTICLE})
    assert len(response.json()["comments"]) == 30
    # The site lookup, the thread lookup and the render: none scales with comments.
    assert len(queries) <= 3


def test_queue_is_oldest_first_and_paginates(site, api):
    ids = [make_comment(body=f"Comment {i}").pk for i in range(5)]
    first = api.get("/api/v1/moderation/queue", {"limit": 2}).json()
    assert first["count"] == 5
    assert [c["id"] for c in first["comments"]] == ids[:2]
    second = api.get("/api/v1/moderation/queue", {"limit": 2, "after": first["next_after"]}).json()
    assert [c["id"] for c in second["comments"]] == ids[2:4]


def test_queue_needs_a_valid_token(site):
    assert Client().get("/api/v1/moderation/queue").status_code == 401
    bad = Client(headers={"Authorization": "Bearer trb_not-a-token"})
    response = bad.get("/api/v1/moderation/queue")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorised"


def test_moderator_of_another_desk_sees_and_decides_nothing(site, rtl_site, api):
    other = make_comment(url="https://uy.example.org/maqale", body="ياخشى ماقالە")
    assert other.pk not in [c["id"] for c in queue(api)["comments"]]
    response = decide(api, other.pk, action="approve")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "pending"


def test_administrator_sees_every_desk(site, rtl_site, admin):
    make_comment()
    make_comment(url="https://uy.example.org/maqale", body="ياخشى ماقالە")
    client = Client(headers={"Authorization": f"Bearer {admin.token}"})
    assert client.get("/api/v1/moderation/queue").json()["count"] == 2


def test_openapi_schema_lists_the_fixed_operations(db):
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/comments"])
    assert "get" in paths["/api/v1/counts"]
    assert "get" in paths["/api/v1/moderation/queue"]
    assert "post" in paths["/api/v1/moderation/comments/{comment_id}/decision"]


def test_commenter_cookie_is_signed_httponly_and_reused(site):
    client = Client()
    first = submit(client)
    cookie = first.cookies["tribune_commenter"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    submit(client, body="Second.")
    assert Commenter.objects.count() == 1
    assert Comment.objects.values("commenter").distinct().count() == 1


def test_tampered_commenter_cookie_gets_a_new_identity(site):
    client = Client()
    submit(client)
    client.cookies["tribune_commenter"] = "forged:value"
    submit(client, body="Second.")
    assert Commenter.objects.count() == 2


# Hostile input: a clear 4xx with a code and message, and no trace in the database.

HOSTILE = [
    ({"url": "https://evil.example.com/a"}, 404, "unknown_site", "url"),
    ({"url": "javascript:alert(1)"}, 400, "invalid", "url"),
    ({"url": "https://user:pw@news.example.org/a"}, 400, "invalid", "url"),
    ({"url": "https://news.example.org/" + "a" * 2000}, 400, "invalid", "url"),
    ({"url": 42}, 400, "invalid", "url"),
    ({"author": ""}, 400, "required", "author"),
    ({"author": "   "}, 400, "required", "author"),
    ({"author": "x" * 61}, 400, "too_long", "author"),
    ({"author": "line\nbreak"}, 400, "control_character", "author"),
    ({"author": "nul\x00byte"}, 400, "control_character", "author"),
    ({"author": "spoof\u202eevil"}, 400, "control_character", "author"),
    ({"body": ""}, 400, "required", "body"),
    ({"body": "x" * 3001}, 400, "too_long", "body"),
    ({"body": "bell\x07"}, 400, "control_character", "body"),
    ({"body": "escape\x1b[31m"}, 400, "control_character", "body"),
    ({"body": "lone \ud800 surrogate"}, 400, "control_character", "body"),
    ({"body": ["not", "text"]}, 400, "invalid", "body"),
    ({"parent": 999999}, 400, "unknown_parent", "parent"),
    ({"parent": 2**70}, 400, "invalid", "parent"),
    ({"parent": -1}, 400, "invalid", "parent"),
    ({"parent": "abc"}, 400, "invalid", "parent"),
]


def assert_no_trace():
    assert Comment.objects.count() == 0
    assert Thread.objects.count() == 0
    assert Commenter.objects.count() == 0


@pytest.mark.parametrize(("fields", "status", "code", "field"), HOSTILE)
def test_hostile_submissions_are_refused_without_trace(site, fields, status, code, field):
    response = submit(Client(), **fields)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert (error["code"], error.get("field")) == (code, field)
    assert error["message"]
    assert_no_trace()


def test_parent_from_another_thread_is_refused(site, moderator):
    elsewhere = make_published(moderator, url="https://news.example.org/elsewhere")
    response = submit(Client(), parent=elsewhere.pk)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_parent"
    assert not Thread.objects.filter(url=ARTICLE).exists()


def test_reply_to_a_pending_comment_is_refused(site):
    pending = make_comment()
    response = submit(Client(), parent=pending.pk)
    assert response.status_code == 400
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("{not json", "application/json", 400, "malformed_json"),
        (b"\xff\xfe\x00", "application/json", 400, "malformed_json"),
        ("[1, 2]", "application/json", 400, "invalid"),
        ('"text"', "application/json", 400, "invalid"),
        ("", "application/json", 400, "invalid"),
        ("url=a&author=b&body=c", "application/x-www-form-urlencoded", 415,
         "unsupported_media_type"),
        ("<comment/>", "text/xml", 415, "unsupported_media_type"),
    ],
)
def test_malformed_requests(site, body, content_type, status, code):
    response = Client().post("/api/v1/comments", body, content_type=content_type)
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert_no_trace()


def test_html_is_stored_as_typed_and_served_as_json_text(site, moderator):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)> & https://evil.example'
    make_published(moderator, author="<b>bold</b>", body=payload)
    response = Client().get("/api/v1/comments", {"url": ARTICLE})
    assert response.headers["Content-Type"].startswith("application/json")
    [comment] = json.loads(response.content)["comments"]
    assert comment["body"] == payload
    assert comment["author"] == "<b>bold</b>"


def test_text_is_normalised_to_nfc(site, reader):
    decomposed = "Cafe\u0301 and \u1100\u1161"  # e + combining acute, Hangul jamo
    sent = submit(reader, author="Cafe\u0301", body=decomposed).json()
    stored = Comment.objects.get(pk=sent["id"])
    assert stored.body == "Café and 가"
    assert stored.author == "Café"


@pytest.mark.parametrize(
    "text",
    [
        "서울의 새벽은 조용했다",
        "北京今天下雨",
        "བོད་ཀྱི་གསར་འགྱུར",
        "ئۇيغۇر تىلى",
        "Mixed 한글 and English",
    ],
)
def test_scripts_round_trip(site, moderator, text):
    make_published(moderator, author=text[:20], body=f"{text}\n\t{text}")
    [comment] = published(Client())["comments"]
    assert comment["author"] == text[:20]
    assert comment["body"] == f"{text}\n\t{text}"


def test_closed_thread_refuses_comments(site):
    make_comment()
    Thread.objects.update(is_open=False)
    response = submit(Client())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "thread_closed"
    assert Comment.objects.count() == 1


def test_unknown_api_path_is_a_json_404(db):
    response = Client().get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_decision_on_missing_or_absurd_ids(site, api):
    assert decide(api, 123456, action="approve").status_code == 404
    assert decide(api, 2**70, action="approve").status_code == 400
    response = api.post("/api/v1/moderation/comments/abc/decision", {"action": "approve"},
                        content_type="application/json")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/moderation/commenters/-321144583979964170240",  # found by schemathesis
        f"/api/v1/moderation/commenters/{2**64}",
        f"/api/v1/moderation/threads/{2**70}",
        "/api/v1/moderation/comments/0/reports",
    ],
)
def test_ids_out_of_range_in_paths_are_a_400(site, api, path):
    response = api.get(path)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
