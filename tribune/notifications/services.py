"""E-mail notifications: the commenter's notice of a decision, and the
moderators' alert when a desk's queue grows long.

Both are written to the database in the transaction that caused them and sent
after it commits by :mod:`.background` (or ``tribune notifications send``). An
address is never logged: failures are logged by comment id and error type only.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status
from tribune.core.errors import InvalidInput, NotFound
from tribune.core.outbox import kick
from tribune.publishing.store import CONFIG, store
from tribune.sites.models import Clause, Desk

from .models import NoticeAddress, QueueAlert, QueuedMail

log = logging.getLogger("tribune.notifications")

EMAIL_MAX = 254
MAIL_MAX_ATTEMPTS = 6
RETRY_BASE = timedelta(seconds=60)
CLAIM_LEASE = timedelta(minutes=5)


def notice_days() -> int:
    return int(settings.TRIBUNE_NOTICE_EMAIL_DAYS)


def email_clean(value: object) -> str | None:
    """An optional e-mail address: None when empty, else a valid address or
    :class:`InvalidInput` (field ``email``)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(_("The e-mail address must be text."), field="email")
    text = value.strip()
    if not text:
        return None
    try:
        if len(text) > EMAIL_MAX:
            raise ValidationError("too long")
        validate_email(text)
    except ValidationError:
        raise InvalidInput(
            _("This is not an e-mail address we can write to. Leave it empty if you "
              "do not want to be told about the decision."),
            field="email", code="invalid_email",
        ) from None
    return text


def notice_address_set(*, comment: Comment, email: str | None) -> None:
    """Keep ``email`` (already cleaned) to tell the commenter about the decision
    on ``comment``. It is deleted when the notice is sent or after
    ``TRIBUNE_NOTICE_EMAIL_DAYS`` days. A comment already decided (post-moderation)
    is notified at once."""
    if not email:
        return
    now = timezone.now()
    decided = Comment.objects.filter(pk=comment.pk).exclude(status=Status.PENDING).exists()
    NoticeAddress.objects.update_or_create(
        comment_id=comment.pk,
        defaults={"address": email, "expires_at": now + timedelta(days=notice_days()),
                  "due_at": now if decided else None,
                  "next_attempt_at": now if decided else None},
    )
    if decided:
        transaction.on_commit(kick)


def notice_on_decision(*, comment: Comment) -> None:
    """The comment was decided: queue its notice, if its commenter asked for one
    and it was not sent already. Call inside the deciding transaction."""
    now = timezone.now()
    queued = NoticeAddress.objects.filter(comment_id=comment.pk, due_at__isnull=True).update(
        due_at=now, next_attempt_at=now
    )
    if queued:
        transaction.on_commit(kick)


def queue_alert_set(*, desk: Desk, threshold: int, recipients: list[str],
                    every_minutes: int = 60) -> QueueAlert:
    if threshold < 1 or every_minutes < 1:
        raise InvalidInput(_("The threshold and the interval must be at least 1."))
    addresses = [email_clean(r) for r in recipients]
    if not addresses or None in addresses:
        raise InvalidInput(_("Give at least one moderator's e-mail address."), field="to")
    alert, _created = QueueAlert.objects.update_or_create(
        desk=desk, defaults={"threshold": threshold, "recipients": ",".join(addresses),
                             "every_minutes": every_minutes},
    )
    return alert


def queue_alert_remove(*, desk: Desk) -> None:
    if not QueueAlert.objects.filter(desk=desk).delete()[0]:
        raise NotFound(_("Desk %(code)s has no queue alert.") % {"code": desk.code})


def queue_alert_exists(*, desk_id: int) -> bool:
    """Whether the desk has a queue alert. Most desks have none: the answer is
    kept in the process until an alert changes (stamp CONFIG), so a submission
    does not ask."""
    return store().remembered(CONFIG, ("queue_alert", desk_id),
                              lambda: QueueAlert.objects.filter(desk_id=desk_id).exists())


def queue_check(*, comment: Comment) -> bool:
    """After a submission: if the desk's queue is past its alert threshold and
    no alert went out within the interval, queue one. True if queued."""
    desk_id = comment.thread.desk_id
    if not queue_alert_exists(desk_id=desk_id):
        return False
    alert = QueueAlert.objects.filter(desk_id=desk_id).first()
    if alert is None:
        return False
    pending = Comment.objects.filter(status=Status.PENDING, thread__desk_id=desk_id).count()
    if pending <= alert.threshold:
        return False
    now = timezone.now()
    # The conditional update is the rate limit: of two concurrent submissions
    # only one changes the row.
    won = QueueAlert.objects.filter(pk=alert.pk).filter(
        Q(last_sent_at__isnull=True)
        | Q(last_sent_at__lte=now - timedelta(minutes=alert.every_minutes))
    ).update(last_sent_at=now)
    if not won:
        return False
    desk = comment.thread.desk
    with translation.override(desk.language):
        subject = _("%(desk)s: %(count)d comments are waiting for moderation") % {
            "desk": desk.name, "count": pending}
        body = _(
            "The queue of the %(desk)s desk holds %(count)d pending comments, more than "
            "the alert threshold of %(threshold)d.\n\nOpen the moderation queue: /moderate/\n"
        ) % {"desk": desk.name, "count": pending, "threshold": alert.threshold}
    QueuedMail.objects.create(recipients=alert.recipients, subject=subject[:200], body=body,
                              created_at=now, next_attempt_at=now)
    transaction.on_commit(kick)
    return True


def _notice_message(comment: Comment, address: str) -> EmailMessage:
    thread = comment.thread
    clause = None
    if comment.decision_clause is not None:
        clause = Clause.objects.filter(site_id=thread.site_id,
                                       number=comment.decision_clause).first()
    with translation.override(thread.desk.language):
        title = thread.title or thread.url
        clause_text = (_("clause %(number)d, “%(title)s”")
                       % {"number": clause.number, "title": _(clause.title)}) if clause else ""
        if comment.status == Status.APPROVED and comment.is_edited:
            outcome = _("was published after a moderator edited it under %(clause)s of the "
                        "Terms of Use.") % {"clause": clause_text}
        elif comment.status == Status.APPROVED:
            outcome = _("was published.")
        else:
            outcome = _("was not published, under %(clause)s of the Terms of Use.") % {
                "clause": clause_text}
        subject = _("Your comment on “%(title)s”") % {"title": title}
        body = _(
            "Hello %(author)s,\n\nYour comment on “%(title)s” %(outcome)s\n\n%(url)s\n\n"
            "You asked to be told about this decision. Your e-mail address has now been "
            "deleted; you will not hear from us again.\n"
        ) % {"author": comment.author, "title": title, "outcome": outcome, "url": thread.url}
    return EmailMessage(subject=subject.replace("\n", " ")[:200], body=body, to=[address])


def _claim(model, pk: object, due: datetime, now: datetime) -> bool:
    return bool(model.objects.filter(pk=pk, next_attempt_at=due).update(
        next_attempt_at=now + CLAIM_LEASE))


def _failed(model, row, now: datetime, error: Exception) -> None:
    attempts = row.attempts + 1
    log.warning("%s %s could not be sent (%s), attempt %d",
                model.__name__, row.pk, type(error).__name__, attempts)
    if attempts >= MAIL_MAX_ATTEMPTS:
        model.objects.filter(pk=row.pk).delete()  # given up: the address goes too
        return
    model.objects.filter(pk=row.pk).update(
        attempts=attempts, next_attempt_at=now + RETRY_BASE * (2 ** (attempts - 1)))


def mails_send_due(*, now: datetime | None = None, limit: int = 50) -> float | None:
    """Delete expired addresses, then send due notices and alerts, one try each.
    Returns the seconds until the next one is due, or None when none waits."""
    now = now or timezone.now()
    NoticeAddress.objects.filter(expires_at__lt=now).delete()
    notices = list(NoticeAddress.objects.filter(next_attempt_at__lte=now)
                   .select_related("comment__thread__desk")
                   .order_by("next_attempt_at")[:limit])
    for notice in notices:
        if not _claim(NoticeAddress, notice.pk, notice.next_attempt_at, now):
            continue
        try:
            _notice_message(notice.comment, notice.address).send()
        except Exception as error:  # SMTP and socket errors of every kind
            _failed(NoticeAddress, notice, now, error)
        else:
            NoticeAddress.objects.filter(pk=notice.pk).delete()
    for mail in QueuedMail.objects.filter(next_attempt_at__lte=now).order_by("id")[:limit]:
        if not _claim(QueuedMail, mail.pk, mail.next_attempt_at, now):
            continue
        try:
            EmailMessage(subject=mail.subject, body=mail.body,
                         to=mail.recipients.split(",")).send()
        except Exception as error:
            _failed(QueuedMail, mail, now, error)
        else:
            QueuedMail.objects.filter(pk=mail.pk).delete()
    waits = [
        NoticeAddress.objects.aggregate(at=Min("next_attempt_at"))["at"],
        QueuedMail.objects.aggregate(at=Min("next_attempt_at"))["at"],
    ]
    waits = [w for w in waits if w is not None]
    if not waits:
        return None
    return max(0.0, (min(waits) - now).total_seconds())
