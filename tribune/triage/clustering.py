"""Campaigns: near-identical comments gathered into clusters as they are
triaged, and the least priority a cluster gives its members. A whole cluster is
decided at once by the decision use case (:func:`tribune.actions.decide.cluster_decide`).

The signatures and band keys themselves are made in :mod:`tribune.triage.campaign`;
here they meet the database.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, DateTimeField, F, Max, Min, Value
from django.db.models.functions import Greatest, Least

from . import campaign
from .models import Band, Cluster, CommentTriage

CLUSTER_WINDOW = timedelta(days=7)
CANDIDATES_MAX = 200
BAND_ROWS_MAX = 4 * CANDIDATES_MAX
CAMPAIGN_MIN = 3
# A cluster's figures are counted again from its members every this many joins.
REFRESH_EVERY = 100


def campaign_priority(size: int) -> int:
    """The least priority of every member of a cluster of ``size`` comments."""
    return min(100, 50 + min(30, size)) if size >= CAMPAIGN_MIN else 0



def cluster_refresh(cluster_id: int) -> Cluster:
    members = CommentTriage.objects.filter(cluster_id=cluster_id)
    figures = members.aggregate(
        size=Count("pk"), commenters=Count("commenter_id", distinct=True),
        threads=Count("thread_id", distinct=True), first_at=Min("submitted_at"),
        last_at=Max("submitted_at"),
    )
    Cluster.objects.filter(pk=cluster_id).update(**figures)
    floor = campaign_priority(figures["size"])
    if floor:
        members.filter(priority__lt=floor).update(priority=Greatest(F("priority"), floor))
    return Cluster.objects.get(pk=cluster_id)


def cluster_matches(sig: list[int], keys: list[str], now) -> list[tuple[int, int | None]]:
    """``(triage id, cluster id)`` of the near-identical predecessors of a
    comment with signature ``sig``: candidates sharing an LSH band key within
    :data:`CLUSTER_WINDOW`, found and read in one query, then compared."""
    # The newest band rows first, and a bounded number of them: in a campaign of
    # thousands the look-up stays an index range scan of fixed length.
    bands = Band.objects.filter(
        key__in=keys, submitted_at__gte=now - CLUSTER_WINDOW, submitted_at__lte=now,
    ).order_by("-submitted_at").values("triage_id")[:BAND_ROWS_MAX]
    candidates = CommentTriage.objects.filter(pk__in=bands).values_list(
        "pk", "cluster_id", "signature")
    return [
        (pk, cluster_id)
        for pk, cluster_id, text in candidates[:CANDIDATES_MAX]
        if campaign.similarity(sig, campaign.decode(text)) >= campaign.SIMILARITY
    ]


def cluster_target(matches: list[tuple[int, int | None]], now) -> tuple[int, bool]:
    """The cluster a comment near-identical to ``matches`` joins: the oldest of
    theirs (the clusters it bridges are merged into it) or a new one; loose
    matches join it too. Second: whether only the comment joins (an existing
    cluster, nothing merged), so that its figures can be updated in place."""
    clusters = sorted({cluster_id for _pk, cluster_id in matches if cluster_id is not None})
    only_one = len(clusters) == 1
    if clusters:
        target = clusters[0]
        if len(clusters) > 1:
            CommentTriage.objects.filter(cluster_id__in=clusters[1:]).update(cluster_id=target)
            Cluster.objects.filter(pk__in=clusters[1:]).delete()
    else:
        target = Cluster.objects.create(created_at=now, first_at=now, last_at=now).pk
    loose = [pk for pk, cluster_id in matches if cluster_id is None]
    if loose:
        CommentTriage.objects.filter(pk__in=loose).update(cluster_id=target)
    return target, only_one and not loose


def cluster_add(cluster_id: int, triage: CommentTriage) -> Cluster:
    """Count ``triage`` (already saved in the cluster) into its cluster's figures
    without reading every member: a campaign of thousands costs each newcomer
    two indexed look-ups and one update, not a scan of the whole cluster."""
    others = CommentTriage.objects.filter(cluster_id=cluster_id).exclude(pk=triage.pk)
    new_commenter = not others.filter(commenter_id=triage.commenter_id).exists()
    new_thread = not others.filter(thread_id=triage.thread_id).exists()
    at = Value(triage.submitted_at, output_field=DateTimeField())
    Cluster.objects.filter(pk=cluster_id).update(
        size=F("size") + 1, commenters=F("commenters") + int(new_commenter),
        threads=F("threads") + int(new_thread), first_at=Least(F("first_at"), at),
        last_at=Greatest(F("last_at"), at),
    )
    cluster = Cluster.objects.get(pk=cluster_id)
    if cluster.size % REFRESH_EVERY == 0:
        # Now and then count from the members, so that figures drifted by
        # deleted comments are put right.
        return cluster_refresh(cluster_id)
    floor = campaign_priority(cluster.size)
    if floor > campaign_priority(cluster.size - 1):  # the floor rose: lift the others
        others.filter(priority__lt=floor).update(priority=floor)
    return cluster



def matches_now(matches: list[tuple[int, int | None]]) -> list[tuple[int, int | None]]:
    """``matches`` as they stand now. Since they were read, a predecessor's
    cluster may have been merged into another (its members then name the one
    they joined) or deleted (they name none), and a predecessor may be gone with
    its comment. The rows are locked (PostgreSQL; SQLite's write lock already
    excludes everyone), so a merge cannot move them before this transaction
    ends, and the clusters they name exist: no dangling reference is written."""
    current = dict(
        CommentTriage.objects.select_for_update()
        .filter(pk__in=[pk for pk, _cluster_id in matches]).order_by("pk")
        .values_list("pk", "cluster_id")
    )
    return [(pk, current[pk]) for pk, _cluster_id in matches if pk in current]
