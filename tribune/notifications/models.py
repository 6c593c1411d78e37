from django.db import models

from tribune.comments.models import Comment
from tribune.sites.models import Desk


class NoticeAddress(models.Model):
    """The e-mail address a commenter left to hear about the decision on one
    comment. It lives only here: no moderator view, API output or export reads
    it, and the row is deleted once the notice is sent or when it expires.
    ``due_at`` set means the comment was decided and the notice is waiting in
    the outbox."""

    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    address = models.CharField(max_length=254)
    expires_at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"notice for comment {self.comment_id}"


class QueueAlert(models.Model):
    """Tell a desk's moderators when its queue of pending comments grows past
    ``threshold``, at most once per ``every_minutes``."""

    desk = models.OneToOneField(Desk, on_delete=models.CASCADE, related_name="queue_alert")
    threshold = models.PositiveIntegerField()
    # Comma-separated addresses of the desk's moderators (staff, not readers).
    recipients = models.TextField()
    every_minutes = models.PositiveIntegerField(default=60)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"queue alert for {self.desk.code} above {self.threshold}"

    @property
    def recipient_list(self) -> list[str]:
        return [r for r in self.recipients.split(",") if r]


class QueuedMail(models.Model):
    """An e-mail to moderators waiting to be sent (the outbox); deleted once sent."""

    recipients = models.TextField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return self.subject
