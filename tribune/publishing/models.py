from django.db import models

from tribune.threads.models import Thread


class ThreadRender(models.Model):
    """A thread's published view, rendered when a moderator decides.

    Readers are served ``payload`` as it is: reading a thread is one lookup by
    URL, whatever the number of comments (principle 1, "publish, don't query").
    """

    thread = models.OneToOneField(
        Thread, on_delete=models.CASCADE, primary_key=True, related_name="render"
    )
    url = models.CharField(max_length=1000, unique=True)
    payload = models.TextField()
    etag = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    # Goes up by one with every render of the thread, so a render store never
    # replaces a newer render by an older one (see tribune.publishing.store).
    version = models.PositiveBigIntegerField(default=0)
    rendered_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"render of {self.url}"


class Version(models.Model):
    """What a process may remember, and under which version (PostgreSQL).

    One row per stamp (``EPOCH``, ``CONFIG``, ``BANS``, ``THREADS``: see
    :mod:`tribune.publishing.store`). A change that a remembered answer depends on
    raises the row's version in the change's own transaction and sends a
    ``NOTIFY`` with it, so every host hears of it at commit, and a host that
    missed the notification sees the new version when it reads this table again.
    On SQLite (one host) the stamps are files beside the database instead.
    """

    name = models.CharField(max_length=32, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
