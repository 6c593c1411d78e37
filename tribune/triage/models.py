from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.comments.models import Comment, Commenter
from tribune.sites.models import Desk, Site
from tribune.threads.models import Thread


class Cluster(models.Model):
    """Near-identical comments grouped as one campaign (see ``campaign.py``)."""

    created_at = models.DateTimeField()
    # Kept up to date as comments join, so the queue reads them with a join.
    size = models.PositiveIntegerField(default=0)
    commenters = models.PositiveIntegerField(default=0)
    threads = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"cluster {self.pk}"


class CommentTriage(models.Model):
    """What triage found in one comment, and the priority it gives it.

    Thread, commenter, network hash and time are copied from the comment so that
    velocity counts are indexed lookups on this table alone.
    """

    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, primary_key=True, related_name="triage"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    commenter = models.ForeignKey(Commenter, on_delete=models.CASCADE, related_name="+")
    network_hash = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField()
    # 0 (nothing to see) .. 100 (look first).
    priority = models.PositiveSmallIntegerField(default=0)
    # Short reasons, e.g. [{"code": "insult", "score": 0.93}], shown as labels.
    labels = models.JSONField(default=list)
    toxicity = models.FloatField(null=True, blank=True)
    spam = models.FloatField(default=0.0)
    script = models.CharField(max_length=16, blank=True)
    language = models.CharField(max_length=16, blank=True)
    language_mismatch = models.BooleanField(default=False)
    held = models.BooleanField(default=False)
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    signature = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["network_hash", "submitted_at"], name="triage_network_idx"),
            models.Index(fields=["thread", "submitted_at"], name="triage_thread_idx"),
            models.Index(fields=["commenter", "submitted_at"], name="triage_commenter_idx"),
            models.Index(fields=["priority"], name="triage_priority_idx"),
        ]
        permissions = [("decide_held", _("Can decide comments held for a senior moderator"))]

    def __str__(self) -> str:
        return f"triage of comment {self.comment_id}: {self.priority}"


class Band(models.Model):
    """One LSH band key of a comment's MinHash signature."""

    key = models.CharField(max_length=20)
    triage = models.ForeignKey(CommentTriage, on_delete=models.CASCADE, related_name="bands")
    submitted_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "submitted_at"], name="triage_band_idx")]

    def __str__(self) -> str:
        return self.key


class Policy(models.Model):
    """A site's triage policy. Without a row, triage only orders the queue."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="triage_policy")
    hold_threshold = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text=_("From this priority on, a comment is held for a senior moderator."),
    )
    reject_threshold = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text=_("From this priority on, a comment is rejected automatically."),
    )
    reject_clause = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reject_threshold__isnull=True)
                | models.Q(reject_clause__isnull=False),
                name="triage_policy_reject_clause",
            ),
        ]

    def __str__(self) -> str:
        return f"triage policy of {self.site}"


class Term(models.Model):
    """A word or phrase a desk editor lists as insult or hate for their desk."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="triage_terms")
    term = models.CharField(max_length=100)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["desk", "term"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "term"], name="triage_term_unique"),
        ]

    def __str__(self) -> str:
        return self.term
