"""Triage at submission, through the real submission service and database."""

import secrets

import pytest

from tribune.comments.models import Status
from tribune.core.errors import PermissionDenied
from tribune.core.testing import make_comment
from tribune.moderation.decisions import comment_decide
from tribune.moderation.models import Decision
from tribune.triage.clustering import campaign_priority
from tribune.triage.models import Cluster, CommentTriage
from tribune.triage.policy import policy_set
from tribune.triage.scoring import COMMENTER_BURST
from tribune.triage.simulation import traffic
from tribune.triage.wordlists import term_add

ARTICLE = "https://news.example.org/2026/11/article"


def test_every_submission_is_scored_with_reasons(site):
    calm = make_comment(body="Thank you for explaining the budget so clearly, it helped me.")
    loud = make_comment(
        author="Mаx",  # Cyrillic а
        body="CHECK OUT MY CHANNEL FOR FREE GIFT CARDS www.example.com AND SUBSCRIBE NOW!!!",
    )
    calm_t, loud_t = CommentTriage.objects.get(pk=calm.pk), CommentTriage.objects.get(pk=loud.pk)
    codes = {label["code"] for label in loud_t.labels}
    assert {"spam", "links", "shouting", "confusable_name", "mixed_script_name"} <= codes
    assert loud_t.priority > calm_t.priority
    assert calm_t.script == "Latin" and calm_t.language == "en"
    assert calm.status == Status.PENDING and loud.status == Status.PENDING


def test_desk_word_list_and_commenter_velocity(site):
    term_add(desk_code="en", term="zorblat")
    listed = make_comment(body="What a zorblat this columnist is, honestly.")
    assert {"code": "listed_terms", "terms": ["zorblat"], "n": 1} in listed.triage.labels
    token = secrets.token_urlsafe(16)
    for index in range(COMMENTER_BURST):
        last = make_comment(body=f"Point number {index} about the tram timetable.", token=token)
    labels = CommentTriage.objects.get(pk=last.pk).labels
    assert {"code": "commenter_burst", "n": COMMENTER_BURST} in labels


def test_a_generated_campaign_becomes_one_cluster_across_threads(site):
    comments = []
    for index, (text, is_campaign) in enumerate(traffic(campaign=12, ordinary_count=20)):
        url = f"{ARTICLE}-{index % 3}"
        comments.append((make_comment(url=url, body=text), is_campaign))
    campaign_ids = {c.pk for c, flag in comments if flag}
    clusters = set(
        CommentTriage.objects.filter(pk__in=campaign_ids).values_list("cluster_id", flat=True)
    )
    assert len(clusters) == 1 and None not in clusters
    cluster = Cluster.objects.get(pk=clusters.pop())
    members = set(CommentTriage.objects.filter(cluster=cluster).values_list("pk", flat=True))
    assert members == campaign_ids
    assert cluster.size == 12 and cluster.commenters == 12 and cluster.threads == 3
    priorities = CommentTriage.objects.filter(pk__in=campaign_ids).values_list(
        "priority", flat=True)
    assert min(priorities) >= campaign_priority(12)


def test_policy_rejects_above_threshold_as_the_system_and_it_is_reversible(
        site, moderator, admin):
    policy_set(site=site, hold_threshold=30, reject_threshold=60, reject_clause=3)
    spam = make_comment(
        body="FREE GIFT CARDS!!! Subscribe to my channel www.example.com www.example.net NOW")
    spam.refresh_from_db()
    assert spam.status == Status.REJECTED and spam.decision_clause == 3
    decision = Decision.objects.get(comment=spam)
    assert decision.moderator is None and decision.note.startswith("triage: rejected")
    assert {"code": "auto_rejected"} in spam.triage.labels
    # Above the hold threshold too: only a senior moderator may reverse it.
    with pytest.raises(PermissionDenied):
        comment_decide(comment_id=spam.pk, moderator=moderator, action="approve")
    undone = comment_decide(comment_id=spam.pk, moderator=admin, action="approve")
    assert undone.status == Status.APPROVED
    calm = make_comment(body="A thoughtful piece on the harbour, thank you for it.")
    calm.refresh_from_db()
    assert calm.status == Status.PENDING and not calm.triage.held


def test_nothing_is_ever_approved_by_triage_under_pre_moderation(site):
    policy_set(site=site, hold_threshold=1, reject_threshold=None, reject_clause=None)
    comment = make_comment(body="Subscribe to my channel www.example.com for FREE gifts!!!")
    comment.refresh_from_db()
    assert comment.status == Status.PENDING and comment.triage.held
    assert not Decision.objects.filter(comment=comment).exists()
