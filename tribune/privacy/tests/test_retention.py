"""The retention policy (`tribune purge`): what goes, what stays."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tribune.comments.models import Comment
from tribune.core.testing import make_comment, make_published
from tribune.moderation.decisions import comment_decide
from tribune.moderation.models import Decision
from tribune.notifications.models import NoticeAddress
from tribune.notifications.services import notice_address_set
from tribune.privacy.models import Erasure, NetworkKey
from tribune.privacy.retention import retention_purge

pytestmark = pytest.mark.django_db

ARTICLE = "https://news.example.org/2026/11/article"


def rejected(moderator, *, body: str, days_ago: float) -> Comment:
    comment = make_comment(url=ARTICLE, author="Named Reader", body=body)
    comment_decide(comment_id=comment.pk, moderator=moderator, action="reject", clause=1,
                   note=f"note quoting {body}")
    Comment.objects.filter(pk=comment.pk).update(
        decided_at=timezone.now() - dt.timedelta(days=days_ago),
        network_hash="a" * 64,
    )
    return comment


def test_rejected_text_goes_after_the_retention_period_and_the_audit_stays(site, moderator):
    old = rejected(moderator, body="old rejected text", days_ago=31)
    recent = rejected(moderator, body="recent rejected text", days_ago=29)
    kept = make_published(moderator, url=ARTICLE, body="published text")
    Comment.objects.filter(pk=kept.pk).update(
        decided_at=timezone.now() - dt.timedelta(days=400))

    report = retention_purge()  # default: 30 days
    assert report.rejected_erased == 1

    old.refresh_from_db()
    assert (old.body, old.author, old.network_hash, old.status) == ("", "", "", "rejected")
    decision = Decision.objects.get(comment=old)
    # The facts of the decision stay; its texts go with the comment's.
    assert (decision.action, decision.clause, decision.moderator_id) == (
        "reject", 1, moderator.pk)
    assert (decision.body_before, decision.body_after, decision.note) == ("", "", "")
    assert Erasure.objects.get(comment=old).reason == "retention"

    recent.refresh_from_db()
    assert recent.body == "recent rejected text"
    assert Decision.objects.get(comment=recent).body_before == "recent rejected text"
    kept.refresh_from_db()
    assert kept.body == "published text"

    # Idempotent: a second run finds nothing more.
    assert retention_purge().rejected_erased == 0


def test_the_period_is_configurable_and_dry_run_changes_nothing(site, moderator, settings):
    comment = rejected(moderator, body="five days old", days_ago=5)
    assert retention_purge(rejected_days=10, dry_run=True).rejected_erased == 0
    assert retention_purge(rejected_days=3, dry_run=True).rejected_erased == 1
    comment.refresh_from_db()
    assert comment.body == "five days old"
    settings.TRIBUNE_RETENTION_REJECTED_DAYS = 3
    assert retention_purge().rejected_erased == 1
    comment.refresh_from_db()
    assert comment.body == ""


def test_a_comment_approved_since_it_was_rejected_is_not_purged(site, moderator):
    comment = rejected(moderator, body="changed my mind", days_ago=40)
    comment_decide(comment_id=comment.pk, moderator=moderator, action="approve")
    Comment.objects.filter(pk=comment.pk).update(decided_at=timezone.now() - dt.timedelta(days=40))
    assert retention_purge().rejected_erased == 0
    comment.refresh_from_db()
    assert comment.body == "changed my mind"


def test_old_network_hashes_and_keys_and_expired_addresses_go(site, moderator):
    fresh = make_comment(url=ARTICLE, body="fresh")
    old = make_comment(url=ARTICLE, body="old")
    Comment.objects.filter(pk=fresh.pk).update(network_hash="b" * 64)
    Comment.objects.filter(pk=old.pk).update(
        network_hash="c" * 64, submitted_at=timezone.now() - dt.timedelta(days=8))
    NetworkKey.objects.create(day=dt.date(2020, 1, 1), secret=b"k" * 32)
    notice_address_set(comment=fresh, email="keep@example.net")
    notice_address_set(comment=old, email="expired@example.net")
    NoticeAddress.objects.filter(comment_id=old.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))

    report = retention_purge()
    assert report.network_hashes_cleared == 1
    assert report.network_keys_destroyed == 1
    assert report.email_addresses_deleted == 1
    assert Comment.objects.get(pk=old.pk).network_hash == ""
    assert Comment.objects.get(pk=fresh.pk).network_hash == "b" * 64
    assert list(NoticeAddress.objects.values_list("address", flat=True)) == ["keep@example.net"]


def test_the_purge_command_reports_what_it_removed(site, moderator):
    rejected(moderator, body="to be purged", days_ago=2)
    out = io.StringIO()
    call_command("purge", "--rejected-days", "1", "--dry-run", stdout=out)
    assert "1 rejected comments whose text was removed (would be removed)" in out.getvalue()
    out = io.StringIO()
    call_command("purge", "--rejected-days", "1", stdout=out)
    assert "1 rejected comments whose text was removed" in out.getvalue()
    assert not Comment.objects.filter(body="to be purged").exists()
