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
