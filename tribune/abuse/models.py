from django.db import models


class RateCounter(models.Model):
    """Hits of one key in one fixed window of one rule.

    ``key_hash`` is a SHA-256 of an identity that is already pseudonymous (a
    commenter token's hash or a keyed network hash), so a counter cannot be
    joined to a commenter. Rows expire with their window and are deleted by
    ``tribune purge`` and, now and then, by the write path itself.
    """

    scope = models.CharField(max_length=32)
    key_hash = models.CharField(max_length=64)
    period = models.PositiveIntegerField()
    window_start = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key_hash", "period", "window_start"],
                name="ratecounter_window_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_hash[:8]}… {self.hits}/{self.period}s"
