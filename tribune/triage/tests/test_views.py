"""Triage through HTTP: the queue's priority order and cluster lines, deciding a
cluster, and the reader's confirmation before personal information is sent."""

import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tribune.comments.models import Comment, Status
from tribune.core.testing import make_comment, make_moderator
from tribune.moderation.selectors import QueueFilter, queue_page
from tribune.triage.models import CommentTriage
from tribune.triage.policy import policy_set
from tribune.triage.simulation import traffic

ARTICLE = "https://news.example.org/2026/11/article"
PHONE_TEXT = "Call me on 010-2345-6789 if you know more about this."


@pytest.fixture
def desk(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def flood(campaign: int = 6, ordinary: int = 8) -> set[int]:
    ids = set()
    for text, is_campaign in traffic(campaign=campaign, ordinary_count=ordinary, seed=3):
        comment = make_comment(body=text)
        if is_campaign:
            ids.add(comment.pk)
    return ids


def card_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="card[^"]*" id="comment-(\d+)"', html)]


def test_queue_by_priority_shows_the_campaign_first_with_reasons(site, desk):
    campaign_ids = flood()
    response = desk.get("/moderate/", {"order": "priority"})
    assert response.status_code == 200
    html = response.content.decode()
    ids = card_ids(html)
    assert set(ids[: len(campaign_ids)]) == campaign_ids
    assert "One of 6 near-identical comments from 6 commenters in" in html
    assert "Decide the whole cluster" in html
    oldest = card_ids(desk.get("/moderate/").content.decode())
    assert oldest == sorted(oldest, key=lambda pk: Comment.objects.get(pk=pk).submitted_at)
    assert oldest != ids


def test_priority_pages_follow_each_other_without_gaps(site, desk, moderator):
    flood(campaign=4, ordinary=4)
    everything = card_ids(desk.get("/moderate/", {"order": "priority"}).content.decode())
    filters = QueueFilter(order="priority")
    first = queue_page(user=moderator, filters=filters, limit=3)
    rest = queue_page(user=moderator, filters=filters, after=first[-1].pk, limit=50)
    assert [c.pk for c in first + rest] == everything


def test_a_moderator_rejects_a_whole_cluster_at_once(site, desk):
    campaign_ids = flood()
    cluster_id = CommentTriage.objects.get(pk=min(campaign_ids)).cluster_id
    response = desk.post(f"/moderate/triage/clusters/{cluster_id}/decide",
                         {"action": "reject", "clause": "3", "note": "campaign"})
    assert response.status_code == 303
    statuses = set(Comment.objects.filter(pk__in=campaign_ids).values_list("status", flat=True))
    assert statuses == {Status.REJECTED}
    others = Comment.objects.exclude(pk__in=campaign_ids)
    assert set(others.values_list("status", flat=True)) == {Status.PENDING}
    again = desk.post(f"/moderate/triage/clusters/{cluster_id}/decide",
                      {"action": "reject", "clause": "3"}, follow=True)
    assert "There is nothing left to decide" in again.content.decode()


def test_held_clusters_need_a_senior_moderator(site, desk, moderator):
    policy_set(site=site, hold_threshold=50, reject_threshold=None, reject_clause=None)
    campaign_ids = flood(campaign=5, ordinary=2)
    cluster_id = CommentTriage.objects.get(pk=max(campaign_ids)).cluster_id
    refused = desk.post(f"/moderate/triage/clusters/{cluster_id}/decide",
                        {"action": "reject", "clause": "3"}, follow=True)
    assert "kept for a senior moderator" in refused.content.decode()
    assert Comment.objects.filter(pk__in=campaign_ids, status=Status.PENDING).count() == 5
    moderator.user_permissions.add(Permission.objects.get(codename="decide_held"))
    senior = Client()
    senior.force_login(make_moderator(name="senior", desk_codes=["en"]))
    assert senior.post(f"/moderate/triage/clusters/{cluster_id}/decide",
                       {"action": "reject", "clause": "3"}).status_code == 303
    assert Comment.objects.filter(pk__in=campaign_ids, status=Status.PENDING).count() == 5
    desk.force_login(moderator)
    assert desk.post(f"/moderate/triage/clusters/{cluster_id}/decide",
                     {"action": "reject", "clause": "3"}).status_code == 303
    assert Comment.objects.filter(pk__in=campaign_ids, status=Status.REJECTED).count() == 5


def test_cluster_decision_refuses_bad_input_and_readers(site, desk, reader):
    assert desk.post("/moderate/triage/clusters/999/decide",
                     {"action": "approve"}, follow=True).status_code == 200
    assert reader.post("/moderate/triage/clusters/1/decide",
                       {"action": "approve"}).status_code == 302  # to the login page
    assert desk.get("/moderate/triage/clusters/1/decide").status_code == 405


def test_reader_is_asked_before_sending_personal_information(site, reader):
    first = reader.post("/embed/thread", {"url": ARTICLE, "author": "Reader",
                                          "body": PHONE_TEXT})
    assert first.status_code == 200
    html = first.content.decode()
    assert "once published, anyone can read it" in html
    assert "Send it anyway" in html and "Edit my comment" in html
    assert "phone number" in html
    assert Comment.objects.count() == 0
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    assert carried["body"] == PHONE_TEXT and carried["url"] == ARTICLE

    edit = reader.post("/embed/thread", {**carried, "edit_comment": "1"})
    assert edit.status_code == 200 and PHONE_TEXT in edit.content.decode()
    assert Comment.objects.count() == 0

    sent = reader.post("/embed/thread", {**carried, "confirm_personal_information": "1"})
    assert sent.status_code == 303
    comment = Comment.objects.get()
    assert comment.body == PHONE_TEXT
    assert {"code": "personal_information", "kinds": ["phone"]} in comment.triage.labels


def test_the_api_wants_a_confirmation_for_personal_information(site, reader):
    payload = {"url": ARTICLE, "author": "Reader", "body": PHONE_TEXT}
    refused = reader.post("/api/v1/comments", json.dumps(payload),
                          content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "confirm_personal_information"
    assert Comment.objects.count() == 0
    accepted = reader.post("/api/v1/comments",
                           json.dumps({**payload, "confirm_personal_information": True}),
                           content_type="application/json")
    assert accepted.status_code == 202
    plain = reader.post("/api/v1/comments",
                        json.dumps({**payload, "body": "No numbers in this one at all."}),
                        content_type="application/json")
    assert plain.status_code == 202
