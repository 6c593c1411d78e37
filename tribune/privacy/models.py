from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkKey(models.Model):
    """A secret that keys network hashes for one day.

    Keys older than the retention window are deleted, so a hash made with them
    can no longer be linked to any address (see ``privacy.services``).
    """

    day = models.DateField(unique=True)
    secret = models.BinaryField()

    def __str__(self) -> str:
        return f"network key for {self.day}"


class ErasureReason(models.TextChoices):
    RETENTION = "retention", _("removed under the retention policy")
    READER = "reader", _("deleted by its author")


class Erasure(models.Model):
    """The record that a comment's text was removed, and why.

    The comment row and its audit rows stay (who decided what, when, under which
    clause); their texts, the display name and the network hash are blanked.
    """

    comment = models.OneToOneField(
        "comments.Comment", on_delete=models.CASCADE, related_name="erasure"
    )
    reason = models.CharField(max_length=10, choices=ErasureReason.choices)
    erased_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason__in=ErasureReason.values), name="erasure_reason_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"erasure of comment {self.comment_id} ({self.reason})"


class VaultKey(models.Model):
    """The key that seals the redaction vault's originals expiring on one UTC
    day. It is destroyed once that day is over (``tribune purge``, and whenever
    a key is made), after which those originals cannot be read by anyone, in
    the database or in any backup. Backups never hold these keys."""

    day = models.DateField(unique=True)
    secret = models.BinaryField()

    def __str__(self) -> str:
        return f"vault key for {self.day}"


class RedactedOriginal(models.Model):
    """What a moderator removed under a personal-information clause, sealed
    (AES-GCM) under the vault key of the day it expires; kept for the site's
    ``redaction_days`` for appeals and audit, then deleted."""

    comment = models.ForeignKey(
        "comments.Comment", on_delete=models.CASCADE, related_name="redacted_originals"
    )
    decision = models.OneToOneField(
        "moderation.Decision", on_delete=models.CASCADE, related_name="redacted_original"
    )
    key_day = models.DateField()
    nonce = models.BinaryField()
    sealed = models.BinaryField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["expires_at"], name="redacted_expiry_idx")]

    def __str__(self) -> str:
        return f"redacted original of comment {self.comment_id}"


class VaultReading(models.Model):
    """The audit of every reading of a redacted original: who, when, which."""

    comment = models.ForeignKey(
        "comments.Comment", on_delete=models.CASCADE, related_name="vault_readings"
    )
    decision = models.ForeignKey(
        "moderation.Decision", on_delete=models.CASCADE, related_name="vault_readings"
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vault_readings"
    )
    read_at = models.DateTimeField()

    class Meta:
        ordering = ["-read_at", "-id"]

    def __str__(self) -> str:
        return f"reading of comment {self.comment_id}'s original"
