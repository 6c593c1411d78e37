"""A reader's own data through /api/v1/me/: list, export and delete, named by the
commenter cookie or the X-Tribune-Commenter header."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tribune.comments.models import Comment
from tribune.core.testing import make_published
from tribune.moderation.models import Decision
from tribune.privacy.models import Erasure

pytestmark = pytest.mark.django_db

ARTICLE = "https://news.example.org/2026/11/article"


def submit(client: Client, body: str, **extra) -> dict:
    response = client.post(
        "/api/v1/comments", data=json.dumps({"url": ARTICLE, "author": "Mina", "body": body}),
        content_type="application/json", **extra)
    assert response.status_code == 202, response.content
    return response.json()


def decide(api: Client, comment_id: int, **decision) -> None:
    response = api.post(f"/api/v1/moderation/comments/{comment_id}/decision",
                        data=json.dumps(decision), content_type="application/json")
    assert response.status_code == 200, response.content


def published_bodies(client: Client) -> list[str]:
    return [c["body"] for c in client.get("/api/v1/comments", {"url": ARTICLE}).json()["comments"]]


def test_a_reader_sees_their_comments_with_every_decision(site, api, reader):
    first = submit(reader, "First thought.")
    second = submit(reader, "Second thought.")
    submit(Client(), "Someone else's.")
    decide(api, first["id"], action="edit", body="First thought, edited.", clause=2,
           note="internal note")
    decide(api, second["id"], action="reject", clause=1)

    response = reader.get("/api/v1/me/comments")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    data = response.json()
    assert [c["id"] for c in data["comments"]] == [first["id"], second["id"]]
    edited, refused = data["comments"]
    assert edited["body"] == "First thought."
    assert edited["edited_body"] == "First thought, edited."
    assert edited["status"] == "approved"
    assert [(d["action"], d["clause"]) for d in edited["decisions"]] == [("edit", 2)]
    assert edited["decisions"][0]["body_after"] == "First thought, edited."
    assert refused["status"] == "rejected"
    assert refused["decisions"][0]["clause_title"]
    # Never the moderator's identity or internal note.
    text = response.content.decode()
    assert "internal note" not in text and "moderator" not in text


def test_api_clients_name_themselves_with_the_signed_token_header(site):
    client = Client()
    token = submit(client, "Sent by an app.")["commenter_token"]
    assert token
    stranger = Client()  # no cookie
    assert stranger.get("/api/v1/me/comments").status_code == 401
    mine = stranger.get("/api/v1/me/comments", headers={"X-Tribune-Commenter": token})
    assert [c["body"] for c in mine.json()["comments"]] == ["Sent by an app."]
    forged = stranger.get("/api/v1/me/comments", headers={"X-Tribune-Commenter": token + "x"})
    assert forged.status_code == 401
    assert forged.json()["error"]["code"] == "no_commenter"
    assert "X-Tribune-Commenter" in forged.json()["error"]["message"]


def test_export_is_a_json_file_to_keep(site, reader):
    submit(reader, "Keep me.")
    response = reader.get("/api/v1/me/export")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tribune-comments.json"'
    data = response.json()
    assert data["format"] == "tribune.reader-export/1"
    assert data["commenter"].startswith("C-")
    assert [c["body"] for c in data["comments"]] == ["Keep me."]


def test_deleting_a_pending_comment_removes_it_from_the_queue(site, api, reader):
    pending = submit(reader, "Never mind.")
    response = reader.delete(f"/api/v1/me/comments/{pending['id']}")
    assert response.json() == {"deleted": 1, "erased": 0}
    assert not Comment.objects.filter(pk=pending["id"]).exists()
    queue = api.get("/api/v1/moderation/queue").json()
    assert pending["id"] not in [c["id"] for c in queue["comments"]]
    assert reader.get("/api/v1/me/comments").json()["comments"] == []


def test_deleting_a_published_comment_erases_it_and_keeps_the_decision_facts(
        site, api, moderator, reader):
    mine = submit(reader, "Published, then regretted.")
    decide(api, mine["id"], action="approve")
    reply = make_published(moderator, url=ARTICLE, body="A reply to it.", parent=mine["id"])
    assert "Published, then regretted." in published_bodies(Client())
    owner = Comment.objects.get(pk=mine["id"]).commenter_id

    response = reader.delete(f"/api/v1/me/comments/{mine['id']}")
    assert response.json() == {"deleted": 0, "erased": 1}

    thread = Client().get("/api/v1/comments", {"url": ARTICLE}).json()["comments"]
    assert [c["body"] for c in thread] == ["A reply to it."]
    assert thread[0]["id"] == reply.pk and thread[0]["parent"] is None  # kept, at top level
    erased = Comment.objects.get(pk=mine["id"])
    assert (erased.author, erased.body, erased.network_hash) == ("", "", "")
    assert erased.commenter_id != owner  # no longer linked to the reader
    assert Erasure.objects.get(comment=erased).reason == "reader"
    decision = Decision.objects.get(comment=erased)
    assert (decision.action, decision.moderator_id) == ("approve", moderator.pk)
    assert (decision.body_before, decision.body_after) == ("", "")
    assert reader.get("/api/v1/me/comments").json()["comments"] == []

    # No decision can bring text back to an erased comment.
    response = api.post(f"/api/v1/moderation/comments/{erased.pk}/decision",
                        data=json.dumps({"action": "edit", "body": "Put back", "clause": 1}),
                        content_type="application/json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "erased"
    erased.refresh_from_db()
    assert (erased.body, erased.edited_body) == ("", None)
    assert Decision.objects.filter(comment=erased).count() == 1


def test_deleting_everything_and_refusing_other_readers_comments(site, api, reader):
    a = submit(reader, "One.")
    b = submit(reader, "Two.")
    decide(api, b["id"], action="reject", clause=1)
    other = submit(Client(), "Not yours.")
    response = reader.delete(f"/api/v1/me/comments/{other['id']}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert reader.delete("/api/v1/me/comments/99999999").status_code == 404
    assert reader.delete("/api/v1/me/comments/abc").status_code == 400
    assert Client().delete("/api/v1/me/comments").status_code == 401

    assert reader.delete("/api/v1/me/comments").json() == {"deleted": 1, "erased": 1}
    assert not Comment.objects.filter(pk=a["id"]).exists()
    assert Comment.objects.get(pk=b["id"]).body == ""
    assert Comment.objects.get(pk=other["id"]).body == "Not yours."


def test_listing_is_a_fixed_number_of_queries(site, api, reader):
    for n in range(3):
        decide(api, submit(reader, f"c{n}")["id"], action="approve")
    with CaptureQueriesContext(connection) as few:
        assert len(reader.get("/api/v1/me/comments").json()["comments"]) == 3
    for n in range(5):
        decide(api, submit(reader, f"more {n}")["id"], action="approve")
    with CaptureQueriesContext(connection) as more:
        assert len(reader.get("/api/v1/me/comments").json()["comments"]) == 8
    assert len(more.captured_queries) == len(few.captured_queries) <= 6
