"""The use cases behave alike whichever surface calls them: the JSON API, the
workspace's no-JS forms, and the CLI reach one function each (tribune.actions),
so a rule or an effect cannot hold on one surface and not on another."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from tribune.comments.models import Comment, Status
from tribune.core import testing as factories
from tribune.moderation.models import Report
from tribune.webhooks.models import Delivery

URL = "https://news.example.org/2026/11/article"


@pytest.fixture
def desk_client(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


def _events() -> list[tuple[int, str]]:
    payloads = [json.loads(d.payload) for d in Delivery.objects.all()]
    return sorted((p["comment"]["id"], p["event"]) for p in payloads)


def test_a_decision_queues_the_same_webhook_from_every_surface(site, moderator, api,
                                                               desk_client):
    call_command("webhook", "add", "https://news.example.org",
                 "http://127.0.0.1:9/hooks", "--event", "approved", "--event", "rejected",
                 stdout=io.StringIO())
    by_api, by_form, by_bulk = (factories.make_comment(body=f"Comment {n}") for n in range(3))

    answer = api.post(f"/api/v1/moderation/comments/{by_api.pk}/decision",
                      {"action": "approve"}, content_type="application/json")
    assert answer.status_code == 200
    answer = desk_client.post(f"/moderate/comments/{by_form.pk}/decide",
                              {"action": "reject", "clause": "3"})
    assert answer.status_code == 303
    answer = api.post("/api/v1/moderation/decisions",
                      {"ids": [by_bulk.pk], "action": "approve"},
                      content_type="application/json")
    assert answer.status_code == 200 and answer.json()["decided"] == [by_bulk.pk]

    assert _events() == sorted([(by_api.pk, "comment.approved"),
                                (by_form.pk, "comment.rejected"),
                                (by_bulk.pk, "comment.approved")])
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {by_api.pk: Status.APPROVED, by_form.pk: Status.REJECTED,
                        by_bulk.pk: Status.APPROVED}


def test_an_undo_is_the_same_action_from_the_api_and_the_workspace(site, moderator, api,
                                                                   desk_client):
    first, second = factories.make_comment(body="One"), factories.make_comment(body="Two")
    api.post(f"/api/v1/moderation/comments/{first.pk}/decision", {"action": "approve"},
             content_type="application/json")
    assert api.post("/api/v1/moderation/undo").json()["status"] == "pending"
    desk_client.post(f"/moderate/comments/{second.pk}/decide", {"action": "approve"})
    assert desk_client.post("/moderate/decisions/undo").status_code == 303
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.PENDING}
    # Nothing left to undo, on either surface: the same refusal.
    assert api.post("/api/v1/moderation/undo").status_code == 409


def test_reports_count_against_one_limit_whichever_surface_sends_them(site, moderator,
                                                                      settings):
    settings.TRIBUNE_RATE_LIMITS = {**settings.TRIBUNE_RATE_LIMITS,
                                    "report": {"network": "2/3600"}}
    comments = [factories.make_published(moderator, body=f"Claim {n}") for n in range(3)]
    reader = Client()
    answer = reader.post(f"/api/v1/comments/{comments[0].pk}/reports", {"reason": "false"},
                         content_type="application/json")
    assert answer.status_code == 201
    answer = reader.post("/embed/report", {"comment": comments[1].pk, "reason": "false"})
    assert answer.status_code == 303
    # The third, by either surface, is over the one limit both counted against.
    answer = reader.post(f"/api/v1/comments/{comments[2].pk}/reports", {"reason": "false"},
                         content_type="application/json")
    assert answer.status_code == 429 and "error" in answer.json()
    answer = reader.post("/embed/report", {"comment": comments[2].pk, "reason": "false"})
    assert answer.status_code == 429
    assert Report.objects.count() == 2


def test_the_cli_imports_through_the_import_action(site, moderator, tmp_path: Path):
    factories.make_published(moderator, body="Kept across the round trip")
    export = tmp_path / "comments.jsonl"
    call_command("export", str(export), stdout=io.StringIO())
    assert "Kept across the round trip" in export.read_text()
    out = io.StringIO()
    call_command("import", "tribune", str(export), "--no-progress", stdout=out)
    # The same file again imports nothing twice: the action keeps the importer's rule.
    assert "1 already imported" in out.getvalue()
    assert Comment.objects.filter(body="Kept across the round trip").count() == 1
