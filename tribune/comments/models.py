from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.threads.models import Thread


class Commenter(models.Model):
    """A pseudonymous reader: a random token in a signed cookie, nothing more.

    Only a SHA-256 of the token is stored, so the database cannot be used to
    impersonate a reader's browser.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"commenter {self.pk}"

    @property
    def pseudonym(self) -> str:
        return f"C-{self.token_hash[:8]}"


class Status(models.TextChoices):
    PENDING = "pending", _("awaiting moderation")
    APPROVED = "approved", _("published")
    REJECTED = "rejected", _("not published")


class Comment(models.Model):
    """A reader's comment. ``body`` is exactly what the reader sent (NFC); a
    moderator's edit goes to ``edited_body`` so the original is always kept."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    commenter = models.ForeignKey(Commenter, on_delete=models.PROTECT, related_name="comments")
    author = models.CharField(max_length=60)
    body = models.TextField()
    # Null means "not edited"; an edit can never be empty text.
    edited_body = models.TextField(null=True, blank=True)  # noqa: DJ001
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # The clause cited by the latest edit or rejection, shown to the reader.
    decision_clause = models.PositiveSmallIntegerField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    # Keyed hash of the sender's network (see tribune.privacy); never an address.
    network_hash = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # A published comment a moderator put forward: shown first, marked, in the
    # thread, the API and the widget (tribune.moderation.featured).
    featured_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        indexes = [
            models.Index(fields=["status", "submitted_at", "id"], name="comment_queue_idx"),
            models.Index(fields=["thread", "status"], name="comment_thread_status_idx"),
            models.Index(fields=["commenter", "submitted_at"], name="comment_commenter_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="comment_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="comment_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} ({self.status})"

    @property
    def published_body(self) -> str:
        return self.edited_body if self.edited_body is not None else self.body

    @property
    def is_edited(self) -> bool:
        return self.edited_body is not None
