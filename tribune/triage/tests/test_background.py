"""Triage after commit: the triage thread, and the backfill of comments that a
stopped process left without triage."""

import io

import pytest
from django.core.management import call_command

from tribune.comments.models import Comment, Status
from tribune.core.testing import make_comment
from tribune.triage import background
from tribune.triage.models import CommentTriage
from tribune.triage.policy import policy_set
from tribune.triage.scoring import comment_triage_by_id

SPAM = "CHECK OUT MY CHANNEL FOR FREE GIFT CARDS www.example.com AND SUBSCRIBE NOW!!!"


@pytest.mark.django_db(transaction=True)
def test_after_commit_the_triage_thread_scores_the_comment(site, settings):
    settings.TRIBUNE_TRIAGE_MODE = "thread"
    try:
        comment = make_comment(body=SPAM)
        assert background.drain(timeout=20)
    finally:
        assert background.stop(timeout=20)  # and its database connection is closed
    triage = CommentTriage.objects.get(pk=comment.pk)
    assert {"spam", "links", "shouting"} <= {label["code"] for label in triage.labels}
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING


@pytest.mark.django_db
def test_comments_left_without_triage_are_backfilled_and_never_published(site, settings):
    settings.TRIBUNE_TRIAGE_MODE = "off"  # as if the process died before triaging
    policy_set(site=site, hold_threshold=None, reject_threshold=60, reject_clause=3)
    spam = make_comment(body=SPAM)
    calm = make_comment(body="Thank you for explaining the budget so clearly, it helped me.")
    assert not CommentTriage.objects.filter(pk__in=[spam.pk, calm.pk]).exists()
    out = io.StringIO()
    call_command("triage", "backfill", stdout=out)
    assert out.getvalue().strip() == "triaged 2 comment(s)"
    assert CommentTriage.objects.get(pk=spam.pk).priority >= 60
    statuses = dict(Comment.objects.filter(pk__in=[spam.pk, calm.pk]).values_list("pk", "status"))
    # The policy rejects the spam (as the system, reversibly); nothing is approved.
    assert statuses == {spam.pk: Status.REJECTED, calm.pk: Status.PENDING}
    # Once triaged, a comment is not triaged again.
    assert comment_triage_by_id(comment_id=spam.pk).pk == spam.pk
    out = io.StringIO()
    call_command("triage", "backfill", stdout=out)
    assert out.getvalue().strip() == "triaged 0 comment(s)"


@pytest.mark.django_db
def test_backfill_refuses_bad_arguments(site):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="1 or more"):
        call_command("triage", "backfill", "--days", "0")
