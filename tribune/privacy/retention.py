"""What Tribune keeps, for how long, and what a reader may take away or delete.

Retention (``tribune purge``, run daily from cron or a timer):

- A rejected comment's text (the reader's text, any moderator's edit, the
  display name, the notes and texts of its audit rows, and report texts about it)
  is removed ``TRIBUNE_RETENTION_REJECTED_DAYS`` days (default 30) after the
  decision. The comment row and its audit rows stay: who decided what, when and
  under which clause is the newsroom's record.
- The network hash of every comment is cleared
  ``TRIBUNE_RETENTION_NETWORK_HASH_DAYS`` days (default 7) after submission. It
  cannot be recomputed once its day's key is gone; clearing it also stops it
  grouping old comments together.
- Network keys older than ``TRIBUNE_NETWORK_KEY_DAYS`` and expired rate-limit
  counters are deleted.
- Originals in the redaction vault (:mod:`tribune.privacy.vault`) past their
  site's ``redaction_days`` are deleted, and the vault keys of days that are
  over are destroyed.

A reader (holder of a commenter token) may export their comments with every
decision on them, and delete them:

- a comment no moderator has decided yet is deleted outright: there is nothing
  in the audit trail to keep, and it leaves the queue;
- a decided comment is erased: its text, name and network hash are blanked as
  above, it leaves the published view, and it is moved to a fresh pseudonym so
  that nothing links it to the reader any more. Its decision rows keep their
  facts (moderator, action, clause, times), without the texts.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import asdict, dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.abuse.services import ratelimit_expired_delete
from tribune.comments.commenters import token_hash
from tribune.comments.models import Comment, Commenter, Status
from tribune.core.errors import NotFound
from tribune.core.ids import parse_id
from tribune.publishing.services import thread_publish

from .models import Erasure, ErasureReason, RedactedOriginal
from .services import network_keys_destroy
from .vault import originals_expire

EXPORT_FORMAT = "tribune.reader-export/1"


def _notice_addresses():
    """The e-mail addresses kept for decision notices (tribune.notifications)."""
    try:
        return apps.get_model("notifications", "NoticeAddress")
    except LookupError:
        return None


def _blank_reports(comment_ids: list[int]) -> None:
    # Reports quote the comment they are about; their reason and outcome stay.
    reports = getattr(Comment, "reports", None)
    if reports is not None:
        reports.rel.related_model.objects.filter(comment_id__in=comment_ids).update(text="")


def _erase_locked(comment: Comment, *, reason: str, now: dt.datetime) -> None:
    """Blank a comment (already locked by the caller's transaction)."""
    was_published = comment.status == Status.APPROVED
    Comment.objects.filter(pk=comment.pk).update(
        author="",
        body="",
        # An edit stays recorded as a fact (the comment was edited), without its text.
        edited_body=None if comment.edited_body is None else "",
        network_hash="",
    )
    # The audit rows (moderation, above privacy) through their relation, not their model.
    comment.decisions.update(body_before="", body_after="", note="")
    RedactedOriginal.objects.filter(comment_id=comment.pk).delete()
    _blank_reports([comment.pk])
    if (addresses := _notice_addresses()) is not None:
        addresses.objects.filter(comment_id=comment.pk).delete()
    Erasure.objects.update_or_create(
        comment_id=comment.pk, defaults={"reason": reason, "erased_at": now}
    )
    if was_published:
        thread_publish(thread=comment.thread)


@dataclass
class PurgeReport:
    rejected_erased: int = 0
    network_hashes_cleared: int = 0
    network_keys_destroyed: int = 0
    email_addresses_deleted: int = 0
    rate_counters_deleted: int = 0
    redacted_originals_deleted: int = 0
    vault_keys_destroyed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def purgeable_rejected(*, now: dt.datetime, days: int) -> QuerySet:
    """Rejected comments decided more than ``days`` ago whose text is still kept."""
    return Comment.objects.filter(
        status=Status.REJECTED,
        decided_at__lt=now - dt.timedelta(days=days),
        erasure__isnull=True,
    )


def retention_purge(
    *, now: dt.datetime | None = None, rejected_days: int | None = None,
    network_hash_days: int | None = None, dry_run: bool = False,
) -> PurgeReport:
    """Apply the retention policy once; idempotent and safe to run concurrently
    with the server (each comment is re-checked under its row lock).

    Returns what was (or, with ``dry_run``, would be) removed.
    """
    now = now or timezone.now()
    rejected_days = (settings.TRIBUNE_RETENTION_REJECTED_DAYS if rejected_days is None
                     else rejected_days)
    network_hash_days = (settings.TRIBUNE_RETENTION_NETWORK_HASH_DAYS
                         if network_hash_days is None else network_hash_days)
    report = PurgeReport()
    stale_hashes = Comment.objects.filter(
        submitted_at__lt=now - dt.timedelta(days=network_hash_days)
    ).exclude(network_hash="")
    if dry_run:
        report.rejected_erased = purgeable_rejected(now=now, days=rejected_days).count()
        report.network_hashes_cleared = stale_hashes.count()
        if (addresses := _notice_addresses()) is not None:
            report.email_addresses_deleted = addresses.objects.filter(expires_at__lt=now).count()
        report.redacted_originals_deleted, report.vault_keys_destroyed = originals_expire(
            now=now, dry_run=True)
        return report

    for comment_id in list(
        purgeable_rejected(now=now, days=rejected_days).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            comment = (
                Comment.objects.select_for_update().select_related("thread")
                .filter(pk=comment_id).first()
            )
            # It may have been approved (or erased) since it was listed.
            if comment is None or comment.status != Status.REJECTED or _is_erased(comment):
                continue
            _erase_locked(comment, reason=ErasureReason.RETENTION, now=now)
            report.rejected_erased += 1
    report.network_hashes_cleared = stale_hashes.update(network_hash="")
    report.network_keys_destroyed = network_keys_destroy(today=now.date())
    if (addresses := _notice_addresses()) is not None:
        report.email_addresses_deleted, _deleted = addresses.objects.filter(
            expires_at__lt=now).delete()

    report.rate_counters_deleted = ratelimit_expired_delete(now=now)
    report.redacted_originals_deleted, report.vault_keys_destroyed = originals_expire(now=now)
    return report


def _is_erased(comment: Comment) -> bool:
    return Erasure.objects.filter(comment_id=comment.pk).exists()


# --- A reader's own data --------------------------------------------------------


def commenter_for_token(token: str | None) -> Commenter | None:
    """The commenter a raw token belongs to, or None."""
    if not token:
        return None
    return Commenter.objects.filter(token_hash=token_hash(token)).first()


def _comment_export(comment: Comment) -> dict:
    erased = getattr(comment, "erasure", None)
    return {
        "id": comment.pk,
        "url": comment.thread.url,
        "thread_title": comment.thread.title,
        "parent": comment.parent_id,
        "author": comment.author,
        "body": comment.body,
        "edited_body": comment.edited_body,
        "status": comment.status,
        "language": comment.language,
        "submitted": comment.submitted_at,
        "decided": comment.decided_at,
        "published": comment.published_at,
        "erased": erased.erased_at if erased else None,
        "decisions": [
            {
                "action": decision.action,
                "clause": decision.clause,
                "clause_title": decision.clause_title,
                "status_before": decision.status_before,
                "status_after": decision.status_after,
                "body_after": decision.body_after,
                "at": decision.created_at,
            }
            for decision in comment.decisions.all()
        ],
    }


def reader_comments(*, commenter: Commenter | None) -> list[dict]:
    """Every comment of the reader, oldest first, with every decision on it (its
    action, clause, the resulting text and time; never the moderator's name or
    internal note). Three queries whatever their number."""
    if commenter is None:
        return []
    comments = (
        Comment.objects.filter(commenter=commenter)
        .select_related("thread", "erasure")
        .prefetch_related("decisions")
        .order_by("submitted_at", "id")
    )
    return [_comment_export(c) for c in comments]


def reader_export(*, commenter: Commenter | None) -> dict:
    """A reader's data as one JSON-ready document."""
    return {
        "format": EXPORT_FORMAT,
        "exported": timezone.now(),
        "commenter": commenter.pseudonym if commenter else None,
        "comments": reader_comments(commenter=commenter),
    }


@dataclass
class DeletionReport:
    deleted: int = 0
    erased: int = 0


def reader_comments_delete(
    *, commenter: Commenter | None, comment_id: object = None
) -> DeletionReport:
    """Delete one of the reader's comments (``comment_id``) or all of them.

    A comment not yet decided is deleted; a decided one is erased and moved to a
    fresh pseudonym (see the module's docstring). When this returns, all of it is
    committed and the published views no longer show the erased comments. A
    comment that is not the reader's is ``NotFound``, whether or not it exists.
    """
    report = DeletionReport()
    if commenter is None:
        if comment_id is not None:
            raise NotFound(_no_comment(comment_id))
        return report
    comments = Comment.objects.filter(commenter=commenter)
    if comment_id is not None:
        wanted = parse_id(comment_id, field="id")
        comments = comments.filter(pk=wanted)
        if not comments.exists():
            raise NotFound(_no_comment(wanted))
    now = timezone.now()
    anonymous: Commenter | None = None
    for pk in list(comments.order_by("-id").values_list("pk", flat=True)):
        with transaction.atomic():
            comment = (
                Comment.objects.select_for_update().select_related("thread")
                .filter(pk=pk, commenter=commenter).first()
            )
            if comment is None:
                continue
            decided = comment.status != Status.PENDING or comment.decisions.exists()
            if not decided:
                comment.delete()
                report.deleted += 1
                continue
            if anonymous is None:
                # A pseudonym nobody holds: the erased comments no longer lead to the
                # reader, in moderators' history or anywhere else.
                anonymous = Commenter.objects.create(
                    token_hash=token_hash(secrets.token_urlsafe(32))
                )
            Comment.objects.filter(pk=comment.pk).update(commenter=anonymous)
            _erase_locked(comment, reason=ErasureReason.READER, now=now)
            report.erased += 1
    return report


def _no_comment(comment_id: object) -> str:
    return _("You have no comment %(id)s.") % {"id": comment_id}
