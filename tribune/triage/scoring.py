"""Triage: score each comment at submission and act on a site's policy.

:func:`tribune.triage.background.comment_triage` is called by the submission
action inside its transaction, right after the comment row is created, and
runs the scoring here now or after the commit. It never
publishes anything; under a site's policy it may hold a comment for a senior
moderator or reject it through :func:`tribune.moderation.decisions.comment_decide`
(``moderator=None``: a decision by the system, in the audit trail, reversible
like any other).

Triage is two phases: :func:`comment_assess` reads (no lock needed) and
:func:`assessment_store` writes. Inline, both run in the submitting
transaction; after commit (:func:`comment_triage_by_id`: the triage thread, the
``tribune triage worker`` process, the backfill) only the writes hold a write
transaction, which on SQLite is the database's single write lock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from tribune.comments.models import Comment, Status
from tribune.core.errors import Conflict
from tribune.moderation.decisions import comment_decide

from . import campaign
from .clustering import (
    campaign_priority,
    cluster_add,
    cluster_matches,
    cluster_refresh,
    cluster_target,
    matches_now,
)
from .models import Band, CommentTriage, Policy
from .policy import policy_apply
from .text_signals import TextSignals, text_signals
from .wordlists import desk_terms

logger = logging.getLogger("tribune.triage")

VELOCITY_WINDOW = timedelta(minutes=10)
COMMENTER_BURST = 5
NETWORK_BURST = 10
THREAD_SURGE = 30


@dataclass(frozen=True)
class Velocity:
    commenter: int
    network: int
    thread: int


def priority_of(
    signals: TextSignals, velocity: Velocity | None = None
) -> tuple[int, list[dict]]:
    """The priority (0..100) and the reason labels for a comment's signals.

    Each label is ``{"code": …}`` plus what its text needs; see
    :func:`tribune.triage.selectors.label_text`.
    """
    score = 0.0
    labels: list[dict] = []
    if signals.toxicity is not None and signals.toxicity >= 0.5:
        score += 60 * signals.toxicity
        labels.append({"code": "insult", "score": round(signals.toxicity, 2)})
    if signals.wordlist_hits:
        score += 40
        labels.append({"code": "listed_terms", "terms": signals.wordlist_hits[:3],
                       "n": len(signals.wordlist_hits)})
    if signals.spam >= 0.5:
        score += 60 * signals.spam
        labels.append({"code": "spam", "score": round(signals.spam, 2)})
    if signals.links:
        score += min(15, 5 * signals.links)
        labels.append({"code": "links", "n": signals.links, "domains": signals.domains})
    if signals.shouting:
        score += 8
        labels.append({"code": "shouting"})
    if signals.repetition:
        score += 8
        labels.append({"code": "repetition"})
    if signals.language_mismatch:
        score += 8
        labels.append({"code": "language_mismatch", "script": signals.script})
    for code in signals.name:
        score += 10
        labels.append({"code": code})
    if signals.personal:
        score += 10
        labels.append({"code": "personal_information", "kinds": signals.personal})
    if velocity is not None:
        if velocity.commenter >= COMMENTER_BURST:
            score += 15
            labels.append({"code": "commenter_burst", "n": velocity.commenter})
        if velocity.network >= NETWORK_BURST:
            score += 15
            labels.append({"code": "network_burst", "n": velocity.network})
        if velocity.thread >= THREAD_SURGE:
            score += 5
            labels.append({"code": "thread_surge", "n": velocity.thread})
    return min(100, round(score)), labels



def _velocity(comment: Comment, now) -> Velocity:
    """The three velocity counts in one query (each has its own index; the
    window on ``submitted_at`` keeps the scan short)."""
    since = now - VELOCITY_WINDOW
    figures = CommentTriage.objects.filter(submitted_at__gte=since, submitted_at__lte=now).filter(
        Q(commenter_id=comment.commenter_id) | Q(thread_id=comment.thread_id)
        | (Q(network_hash=comment.network_hash) if comment.network_hash else Q(pk__in=[]))
    ).exclude(pk=comment.pk).aggregate(
        commenter=Count("pk", filter=Q(commenter_id=comment.commenter_id)),
        network=Count("pk", filter=Q(network_hash=comment.network_hash)),
        thread=Count("pk", filter=Q(thread_id=comment.thread_id)),
    )
    return Velocity(
        commenter=figures["commenter"] + 1,
        network=(figures["network"] + 1) if comment.network_hash else 0,
        thread=figures["thread"] + 1,
    )



@dataclass
class Assessment:
    """What triage read about one comment (:func:`comment_assess`), ready to be
    stored (:func:`assessment_store`)."""

    comment: Comment
    # Not saved yet: priority and labels before its cluster and the policy count.
    triage: CommentTriage
    keys: list[str]
    # ``(triage id, cluster id)`` of its near-identical predecessors, as read.
    matches: list[tuple[int, int | None]]
    policy: Policy | None
    now: datetime


# Priority added by a label the submission brought (a comment held because it
# was sent seconds after its page opened: tribune.abuse.timing).
EXTRA_LABEL_PRIORITY = 15


def comment_assess(*, comment: Comment, extra_label: dict | None = None) -> Assessment:
    """Read phase of triage: everything that needs no lock (text signals,
    velocity, signature and band keys, cluster candidates, the site's policy:
    four queries). Writes nothing; may run outside any transaction.
    ``extra_label``: a reason the submission itself brought, added to the labels."""
    # Windows are measured from the comment's own time, so a comment triaged
    # late (backfill) is judged as it would have been on arrival.
    now = comment.submitted_at or timezone.now()
    thread = comment.thread
    signals = text_signals(
        body=comment.body, author=comment.author, desk_language=thread.desk.language,
        terms=desk_terms(desk_id=thread.desk_id),
    )
    priority, labels = priority_of(signals, _velocity(comment, now))
    if extra_label is not None:
        priority = min(100, priority + EXTRA_LABEL_PRIORITY)
        labels = [extra_label, *labels]
    sig = campaign.signature(comment.body)
    keys = campaign.band_keys(sig) if sig is not None else []
    matches = cluster_matches(sig, keys, now) if sig is not None else []
    policy = Policy.objects.filter(site_id=thread.site_id).first()
    triage = CommentTriage(
        comment=comment, thread_id=comment.thread_id, commenter_id=comment.commenter_id,
        network_hash=comment.network_hash, submitted_at=comment.submitted_at,
        priority=priority, labels=labels, toxicity=signals.toxicity, spam=signals.spam,
        script=signals.script, language=signals.language,
        language_mismatch=signals.language_mismatch,
        signature=campaign.encode(sig) if sig else "",
    )
    return Assessment(comment=comment, triage=triage, keys=keys, matches=matches,
                      policy=policy, now=now)



def assessment_store(*, assessment: Assessment) -> CommentTriage:
    """Write phase of triage, inside the caller's transaction: join or found the
    cluster (merging those the comment bridges), insert the triage row and its
    band keys, apply the site's policy (a hold, or a rejection by the system
    through ``comment_decide`` if the comment is still pending). The caller
    checks first that the comment has no triage yet; a second row for it is
    refused by the primary key (``IntegrityError``)."""
    comment, triage, policy, now = (
        assessment.comment, assessment.triage, assessment.policy, assessment.now)
    keys = assessment.keys
    matches = matches_now(assessment.matches) if assessment.matches else []
    target, only_joins = cluster_target(matches, now) if matches else (None, False)
    triage.cluster_id = target
    if target is None:
        reject = policy_apply(triage, policy, comment)
        triage.save(force_insert=True)
    else:
        triage.save(force_insert=True)
        cluster = cluster_add(target, triage) if only_joins else cluster_refresh(target)
        triage.priority = max(triage.priority, campaign_priority(cluster.size))
        reject = policy_apply(triage, policy, comment)
        triage.save(update_fields=["priority", "labels", "held"])
    if keys:
        Band.objects.bulk_create(Band(key=key, triage=triage, submitted_at=now) for key in keys)
    if reject:
        try:
            comment_decide(
                comment_id=comment.pk, moderator=None, action="reject",
                clause=policy.reject_clause, expected_status=Status.PENDING,
                note=f"triage: rejected automatically at priority {triage.priority} "
                     f"(site policy: {policy.reject_threshold} and above)",
            )
        except Conflict:
            # Decided by a moderator since its status was read (PostgreSQL reads
            # without locking), or erased: that stands, triage only records.
            triage.labels = [label for label in triage.labels
                             if label["code"] != "auto_rejected"]
            triage.save(update_fields=["labels"])
    return triage


def comment_score(*, comment: Comment, extra_label: dict | None = None) -> CommentTriage:
    """Score ``comment`` and store the result; raises on any failure.

    The caller may rely on: one :class:`CommentTriage` row for the comment, its
    cluster joined, and the site's policy applied (a hold, or a rejection by
    the system through ``comment_decide``), all inside the caller's transaction.
    Everything is read first (:func:`comment_assess`: four queries), so a
    comment outside any cluster is written with one insert for its triage and
    one for its band keys (:func:`assessment_store`).
    """
    return assessment_store(assessment=comment_assess(comment=comment,
                                                      extra_label=extra_label))


def comment_triage_by_id(*, comment_id: int) -> CommentTriage | None:
    """Triage the committed comment ``comment_id``, unless it already has its
    triage (then that is returned); None if the comment is gone or triage
    failed. Never raises: a failure is logged with the comment's id and the
    comment stays unscored.

    Everything is read outside any transaction (:func:`comment_assess`); the
    write transaction (on SQLite, the database's single write lock) holds only
    the writes, after checking again that the comment exists, has no triage
    yet and whether it is still pending (a moderator may have decided it in the
    meantime). Several processes may triage the same comment at once: one row
    is stored; the others return it, or None, without logging a failure.
    """
    try:
        comment = (
            Comment.objects.select_related("thread__desk", "triage").filter(pk=comment_id).first()
        )
        if comment is None:  # deleted in the meantime
            return None
        if hasattr(comment, "triage"):  # already triaged
            return comment.triage
        assessment = comment_assess(comment=comment)
        with transaction.atomic():
            now = Comment.objects.filter(pk=comment_id).values_list(
                "status", "thread__moderation", "triage").first()
            if now is None:  # deleted in the meantime
                return None
            comment.status, comment.thread.moderation, triaged = now
            if triaged is not None:  # triaged by another process in the meantime
                return CommentTriage.objects.get(pk=triaged)
            return assessment_store(assessment=assessment)
    except Exception:
        # Another process may have triaged it at the same moment (the primary
        # key refuses the second row): then there is nothing to do.
        if CommentTriage.objects.filter(pk=comment_id).exists():
            return None
        logger.exception("triage failed for comment %s", comment_id)
        return None


def triage_missing(*, days: int = 7, limit: int | None = None) -> int:
    """Triage, oldest first, the comments of the last ``days`` days that have
    no triage (the process stopped before triaging them, or triage was off);
    how many were triaged."""
    since = timezone.now() - timedelta(days=days)
    ids = Comment.objects.filter(triage__isnull=True, submitted_at__gte=since).order_by(
        "submitted_at", "id").values_list("pk", flat=True)
    if limit is not None:
        ids = ids[:limit]
    done = 0
    for comment_id in list(ids):
        if comment_triage_by_id(comment_id=comment_id) is not None:
            done += 1
    return done
