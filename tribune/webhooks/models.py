from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.sites.models import Site


class Event(models.TextChoices):
    SUBMITTED = "comment.submitted", _("a comment was submitted")
    APPROVED = "comment.approved", _("a comment was approved")
    REJECTED = "comment.rejected", _("a comment was rejected")
    EDITED = "comment.edited", _("a comment was edited and approved")


class Webhook(models.Model):
    """An address of the publisher's (their CMS, a chat bridge…) told about a
    site's comment events. Only the operator adds one; Tribune never posts
    anywhere else, and never follows a redirect."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    # The receiver's shared key for HMAC-SHA256; Tribune must keep it to sign.
    # It is shown once when the webhook is added and never exported.
    secret = models.CharField(max_length=128)
    # Comma-separated Event values.
    events = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"webhook {self.pk} → {self.url}"

    @property
    def event_list(self) -> list[str]:
        return [e for e in self.events.split(",") if e]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("given up")


class Delivery(models.Model):
    """One event for one webhook: the outbox row, written in the transaction that
    made the change, so an event is sent if and only if that change committed,
    and a restart loses nothing."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    # Sent as the payload's "id" and the Tribune-Delivery header: the same on
    # every retry, so a receiver can drop a repeat.
    key = models.CharField(max_length=32, unique=True)
    event = models.CharField(max_length=32, choices=Event.choices)
    payload = models.TextField()
    status = models.CharField(
        max_length=9, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A sender claims a row until this time; a sender that died mid-send
    # leaves the claim to expire and another picks the row up.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="delivery_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → webhook {self.webhook_id} ({self.status})"


class Attempt(models.Model):
    """The delivery log: one row per try, with what the receiver answered."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveIntegerField()
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}"
