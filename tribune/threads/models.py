from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core import memory
from tribune.core.memory import THREADS
from tribune.sites.models import Desk, Site


class ThreadQuerySet(models.QuerySet):
    """Threads are remembered by every process (the thread of an article, its
    settings) until stamp ``THREADS`` changes. ``save()`` and ``delete()`` bump it
    through their signals (tribune.publishing.signals); ``update()``, which sends
    none, bumps it here (tribune.core.memory), so no caller can forget to."""

    def update(self, **kwargs) -> int:
        changed = super().update(**kwargs)
        if changed:
            memory.changed(THREADS)
        return changed

    update.alters_data = True


class ModerationMode(models.TextChoices):
    PRE = "pre", _("pre-moderation: nothing is published before a moderator approves it")
    POST = "post", _("post-moderation: published at once, reviewed afterwards")


class Thread(models.Model):
    """The discussion under one article, named by its normalised URL."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="threads")
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="threads")
    url = models.CharField(max_length=1000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    is_open = models.BooleanField(default=True)
    # When the thread stops taking comments by itself (the site's default of
    # N days after creation); null: never.
    closes_at = models.DateTimeField(null=True, blank=True)
    moderation = models.CharField(
        max_length=4, choices=ModerationMode.choices, default=ModerationMode.PRE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(moderation__in=ModerationMode.values),
                name="thread_moderation_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.url
