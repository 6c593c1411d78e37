"""Readers' reports of published comments, and moderators keeping a reported
comment."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status
from tribune.core.errors import Conflict, InvalidInput, NotFound
from tribune.core.ids import parse_id
from tribune.core.text import clean_text

from .models import Report, ReportReason, Resolution
from .permissions import comments_visible_to

REPORT_TEXT_MAX = 500


def report_create(
    *, comment_id: object, reason: object, text: object = "", reporter_hash: str = ""
) -> Report:
    """Report a published comment; it goes to the moderators' reported queue.

    Only a published comment can be reported (anything else is ``NotFound``, so
    no hidden comment is revealed). A reporter (by keyed network or commenter
    hash) who already has an open report on the comment gets that report back:
    reporting twice does not count twice.
    """
    comment_id = parse_id(comment_id, field="comment")
    comment = Comment.objects.filter(pk=comment_id, status=Status.APPROVED).first()
    if comment is None:
        raise NotFound(_("There is no published comment %(id)s.") % {"id": comment_id},
                       field="comment")
    if reason not in ReportReason.values:
        raise InvalidInput(_("Choose a reason for the report."), field="reason")
    clean = ""
    if isinstance(text, str) and text.strip() or not isinstance(text, str | None):
        clean = clean_text(text, field="text", max_length=REPORT_TEXT_MAX, allow_newlines=True)
    if reporter_hash:
        existing = Report.objects.filter(
            comment=comment, reporter_hash=reporter_hash, resolved_at__isnull=True
        ).first()
        if existing is not None:
            return existing
    return Report.objects.create(
        comment=comment, reason=reason, text=clean, reporter_hash=reporter_hash,
        created_at=timezone.now(),
    )


def reports_keep(*, comment_id: object, moderator: AbstractBaseUser) -> int:
    """Keep a reported comment: its open reports are resolved as kept (by whom,
    when). Returns how many reports were resolved; another desk's comment is
    ``NotFound``."""
    comment_id = parse_id(comment_id, field="id")
    comment = comments_visible_to(moderator).filter(pk=comment_id).first()
    if comment is None:
        raise NotFound(_("There is no comment %(id)s.") % {"id": comment_id})
    resolved = Report.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator, resolution=Resolution.KEPT
    )
    if not resolved:
        raise Conflict(_("This comment has no open report."), code="no_report")
    return resolved
