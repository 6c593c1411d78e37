"""Readers' reports of published comments."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status
from tribune.core.errors import InvalidInput, NotFound
from tribune.core.ids import parse_id
from tribune.core.text import clean_text

from .models import Report, ReportReason

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
