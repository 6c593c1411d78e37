"""The demo's ordinary comments (all but the advert it rejects), loaded by
``tribune demo`` through the real submission and triage, carry no insult, hate
or spam label."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tribune.comments.models import Comment
from tribune.demo.content import ARTICLES, REJECT
from tribune.privacy.models import RedactedOriginal
from tribune.triage.classifier import model_load
from tribune.triage.models import CommentTriage

pytestmark = pytest.mark.django_db


def test_the_demos_ordinary_comments_are_not_flagged():
    call_command("demo", "--password", "demo-password-for-tests", stdout=StringIO())
    ordinary = {c.body for article in ARTICLES for c in article.comments if c.decision != REJECT}
    assert len(ordinary) >= 20
    # ``body`` is what the reader sent, whatever a moderator's edit made of it —
    # except after an edit under a personal-information clause: the vault then
    # holds the original sealed and the comment keeps only the published version
    # (which is how the demo's comment is found). Triage ran on what was sent.
    sent = {c.edited_body: c.body for article in ARTICLES for c in article.comments
            if c.edited_body}
    sealed = set(RedactedOriginal.objects.values_list("comment_id", flat=True))
    triaged = {(sent[comment.edited_body] if comment.pk in sealed else comment.body):
               comment.triage for comment in Comment.objects.select_related("triage")}
    assert ordinary <= set(triaged)
    flag = model_load("en_toxicity").thresholds["flag"]
    for body in ordinary:
        triage: CommentTriage = triaged[body]
        codes = {label["code"] for label in triage.labels}
        assert not codes & {"insult", "spam", "listed_terms"}, (body, triage.labels)
        assert (triage.toxicity or 0.0) < flag and triage.spam < 0.5, body
