from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.comments.models import Comment, Commenter, Status
from tribune.sites.models import Desk


class Action(models.TextChoices):
    APPROVE = "approve", _("approved")
    REJECT = "reject", _("rejected")
    EDIT = "edit", _("edited and approved")
    # A moderator taking back their own last decision shortly after making it:
    # a new row restoring the state before, never a deleted row.
    UNDO = "undo", _("undone")


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
    # For an undo: the decision it takes back.
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="undone_by"
    )
    clause = models.PositiveSmallIntegerField(null=True, blank=True)
    clause_title = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True)
    # The clause the comment showed before (restored by an undo).
    clause_before = models.PositiveSmallIntegerField(null=True, blank=True)
    status_before = models.CharField(max_length=8, choices=Status.choices)
    status_after = models.CharField(max_length=8, choices=Status.choices)
    body_before = models.TextField()
    body_after = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Figures (decisions over time) and "my last decision" (undo).
            models.Index(fields=["created_at"], name="decision_created_idx"),
            models.Index(fields=["moderator", "created_at"], name="decision_moderator_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=Action.values), name="decision_action_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(action__in=["approve", "undo"])
                | models.Q(clause__isnull=False),
                name="decision_clause_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} comment {self.comment_id}"


class Role(models.TextChoices):
    MODERATOR = "moderator", _("moderator")
    EDITOR = "editor", _("desk editor")


class DeskAssignment(models.Model):
    """Which desks a moderator works on, and in which role. Administrators
    (superusers) see and manage every desk. A desk editor also changes the
    settings of the desk's articles and bans its commenters."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_assignments"
    )
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MODERATOR)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "desk"], name="desk_assignment_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="desk_assignment_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.desk}"


class Ban(models.Model):
    """A pseudonymous commenter barred from commenting: permanently (``until``
    null) or until a time (a suspension), on one desk or on every desk (``desk``
    null). Lifting a ban keeps the row, for the record."""

    commenter = models.ForeignKey(Commenter, on_delete=models.CASCADE, related_name="bans")
    desk = models.ForeignKey(
        Desk, null=True, blank=True, on_delete=models.CASCADE, related_name="bans"
    )
    until = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bans_made"
    )
    created_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="bans_lifted",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["commenter", "lifted_at"], name="ban_commenter_idx")]

    def __str__(self) -> str:
        return f"ban of {self.commenter_id}"


class NetworkRestriction(models.Model):
    """A network (its keyed hash) barred from commenting on a desk for a few
    hours: a moderator's explicit, short-lived action, never a side effect of a
    ban. The hash is the daily-keyed HMAC of :mod:`tribune.privacy`: it never
    reveals an address, and stops matching when the day's key is destroyed,
    whatever ``until`` says. ``others_seen`` is what the moderator was shown
    before confirming: how many other commenters wrote from the network in the
    window."""

    network_hash = models.CharField(max_length=64)
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="network_restrictions")
    # The commenter whose comments named the network (for the record).
    commenter = models.ForeignKey(
        Commenter, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="network_restrictions",
    )
    until = models.DateTimeField()
    reason = models.TextField(blank=True)
    others_seen = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="restrictions_made"
    )
    created_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="restrictions_lifted",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["network_hash", "until"], name="restriction_network_idx")]

    def __str__(self) -> str:
        return f"restriction of a network on desk {self.desk_id}"


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Insults, harassment or hate")
    FALSE = "false", _("False or misleading")
    PRIVACY = "privacy", _("Reveals someone's private information")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", _("Something else")


class Resolution(models.TextChoices):
    KEPT = "kept", _("kept")
    REMOVED = "removed", _("removed")


class Report(models.Model):
    """A reader's report of a published comment. Open until a moderator keeps the
    comment (the reports are dismissed) or removes it (a rejection)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=10, choices=ReportReason.choices)
    text = models.TextField(blank=True)
    # Keyed hash of the reporter's network or commenter token: one open report
    # per reporter and comment; never an address.
    reporter_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="reports_resolved",
    )
    resolution = models.CharField(max_length=8, choices=Resolution.choices, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["resolved_at", "comment"], name="report_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason__in=ReportReason.values), name="report_reason_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"report on {self.comment_id}"
