from django.conf import settings
from django.db import models


class Integration(models.Model):
    """A system that talks to Tribune (a CMS, a moderation tool), not a person.

    It acts through a user of its own that cannot log in (no usable password), so
    its decisions are named in the audit trail and desk rules apply to it as to a
    moderator: it sees the desks it was given, or every desk when given none
    (``all_desks``; its user is never a superuser, so its scopes always bound it).
    """

    name = models.CharField(max_length=100, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="integration"
    )
    all_desks = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IntegrationToken(models.Model):
    """An integration's API token; only its SHA-256 is stored."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    # Space-separated Scope values.
    scopes = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.integration})"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
