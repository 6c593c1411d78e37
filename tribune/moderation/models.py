from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.comments.models import Comment, Status
from tribune.sites.models import Desk


class Action(models.TextChoices):
    APPROVE = "approve", _("approved")
    REJECT = "reject", _("rejected")
    EDIT = "edit", _("edited and approved")


class Decision(models.Model):
    """The audit trail: one row per decision, written in the same transaction as
    the status change it records. Rows are never updated or deleted."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="decisions")
    # Null for decisions Tribune makes itself (post-moderation).
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="decisions",
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    clause = models.PositiveSmallIntegerField(null=True, blank=True)
    clause_title = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True)
    status_before = models.CharField(max_length=8, choices=Status.choices)
    status_after = models.CharField(max_length=8, choices=Status.choices)
    body_before = models.TextField()
    body_after = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=Action.values), name="decision_action_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(action="approve") | models.Q(clause__isnull=False),
                name="decision_clause_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} comment {self.comment_id}"


class DeskAssignment(models.Model):
    """Which desks a moderator works on. Administrators (superusers) see all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_assignments"
    )
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "desk"], name="desk_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.desk}"


class ApiToken(models.Model):
    """A moderator's API token; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
