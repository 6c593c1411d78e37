from django.db import models

from tribune.comments.models import Comment


class Source(models.TextChoices):
    DISQUS = "disqus", "Disqus"
    WORDPRESS = "wordpress", "WordPress"
    ISSO = "isso", "Isso"
    TRIBUNE = "tribune", "Tribune"


class ImportRun(models.Model):
    """One ``tribune import``: committed whole with everything it imported, or not at all."""

    source = models.CharField(max_length=10, choices=Source.choices)
    file_name = models.CharField(max_length=255)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.source} import {self.pk}"


class ImportedComment(models.Model):
    """Which comment a source's comment became: running an import twice
    imports nothing twice, and replies find their parents after the fact."""

    source = models.CharField(max_length=10, choices=Source.choices)
    source_id = models.CharField(max_length=200)
    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="comments")
    # The source's id of the parent, linked once the whole file is in.
    parent_source_id = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="imported_once"),
        ]
        indexes = [models.Index(fields=["run", "id"], name="imported_run_idx")]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id} → comment {self.comment_id}"


class Instance(models.Model):
    """This installation's random name, so that exported comment keys
    (``<instance>:<id>``) stay unique when exports of several installations meet."""

    key = models.CharField(max_length=32, unique=True)

    def __str__(self) -> str:
        return self.key


class ImportedRecord(models.Model):
    """Which row a keyed record of a Tribune export (a ban, a triage cluster)
    became, so that importing the same file twice creates it once, and a
    re-export names it by the same key."""

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=200)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="imported_record_once"),
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="imported_record_obj_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.object_id}"
