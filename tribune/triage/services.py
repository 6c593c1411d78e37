"""Triage: score each comment at submission and act on a site's policy.

:func:`comment_triage` is called by :func:`tribune.comments.services.comment_submit`
inside its transaction, right after the comment row is created. It never
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

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.db import transaction
from django.db.models import Count, DateTimeField, F, Max, Min, Q, Value
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status
from tribune.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tribune.core.ids import parse_id
from tribune.core.text import clean_text
from tribune.sites.models import Desk, Site
from tribune.sites.services import clause_get
from tribune.threads.models import ModerationMode

from . import campaign
from .models import Band, Cluster, CommentTriage, Policy, Term
from .personal import personal_information
from .signals import TextSignals, text_signals

logger = logging.getLogger("tribune.triage")

VELOCITY_WINDOW = timedelta(minutes=10)
COMMENTER_BURST = 5
NETWORK_BURST = 10
THREAD_SURGE = 30
CLUSTER_WINDOW = timedelta(days=7)
CANDIDATES_MAX = 200
BAND_ROWS_MAX = 4 * CANDIDATES_MAX
CAMPAIGN_MIN = 3
# A cluster's figures are counted again from its members every this many joins.
REFRESH_EVERY = 100
TERM_MAX = 100


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


def campaign_priority(size: int) -> int:
    """The least priority of every member of a cluster of ``size`` comments."""
    return min(100, 50 + min(30, size)) if size >= CAMPAIGN_MIN else 0


def desk_terms(*, desk_id: int) -> list[str]:
    return list(Term.objects.filter(desk_id=desk_id).values_list("term", flat=True))


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


def _cluster_refresh(cluster_id: int) -> Cluster:
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


def _cluster_matches(sig: list[int], keys: list[str], now) -> list[tuple[int, int | None]]:
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


def _cluster_target(matches: list[tuple[int, int | None]], now) -> tuple[int, bool]:
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


def _cluster_add(cluster_id: int, triage: CommentTriage) -> Cluster:
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
        return _cluster_refresh(cluster_id)
    floor = campaign_priority(cluster.size)
    if floor > campaign_priority(cluster.size - 1):  # the floor rose: lift the others
        others.filter(priority__lt=floor).update(priority=floor)
    return cluster


def _policy_apply(triage: CommentTriage, policy: Policy | None, comment: Comment) -> bool:
    """Mark ``triage`` held under the site's policy; True if the policy rejects
    the comment (pre-moderated and still pending; never an approval)."""
    if policy is None:
        return False
    if policy.hold_threshold is not None and triage.priority >= policy.hold_threshold:
        triage.held = True
        triage.labels = [*triage.labels, {"code": "held"}]
    reject = (
        policy.reject_threshold is not None
        and triage.priority >= policy.reject_threshold
        and comment.thread.moderation == ModerationMode.PRE
        and comment.status == Status.PENDING
    )
    if reject:
        triage.labels = [*triage.labels, {"code": "auto_rejected"}]
    return reject


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
    matches = _cluster_matches(sig, keys, now) if sig is not None else []
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


def _matches_now(matches: list[tuple[int, int | None]]) -> list[tuple[int, int | None]]:
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
    matches = _matches_now(assessment.matches) if assessment.matches else []
    target, only_joins = _cluster_target(matches, now) if matches else (None, False)
    triage.cluster_id = target
    if target is None:
        reject = _policy_apply(triage, policy, comment)
        triage.save(force_insert=True)
    else:
        triage.save(force_insert=True)
        cluster = _cluster_add(target, triage) if only_joins else _cluster_refresh(target)
        triage.priority = max(triage.priority, campaign_priority(cluster.size))
        reject = _policy_apply(triage, policy, comment)
        triage.save(update_fields=["priority", "labels", "held"])
    if keys:
        Band.objects.bulk_create(Band(key=key, triage=triage, submitted_at=now) for key in keys)
    if reject:
        from tribune.moderation.decisions import comment_decide

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


def comment_triage(*, comment: Comment, extra_label: dict | None = None
                   ) -> CommentTriage | None:
    """Triage a comment being submitted; called inside the submitting
    transaction, right after the comment row is created.

    Under ``TRIBUNE_TRIAGE_MODE=thread`` (the default) it only arranges for the
    comment to be triaged after the commit, by this process's triage thread
    (see :mod:`tribune.triage.background`) and returns None; under ``inline``
    it triages now (:func:`comment_score`); under ``worker`` and ``off`` it does
    nothing (a ``tribune triage worker`` process, or ``tribune triage
    backfill``, triages the committed comment). Either way a failure of triage
    never loses the comment: it is logged (the comment's id only) and the
    comment waits unscored until ``tribune triage backfill`` or the next sweep.

    With ``extra_label`` (a comment held for how it was sent) it triages now,
    whatever the mode: the label exists only in this call, and it is how the
    moderator learns why the comment was held.
    """
    from . import background

    mode = background.triage_mode()
    if extra_label is not None:
        mode = "inline"
    if mode == "thread":
        comment_id = comment.pk
        transaction.on_commit(lambda: background.enqueue(comment_id))
        return None
    if mode != "inline":
        return None
    try:
        with transaction.atomic():
            return comment_score(comment=comment, extra_label=extra_label)
    except Exception:
        logger.exception("triage failed for comment %s", comment.pk)
        return None


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


# --- Readers: personal information ------------------------------------------


def personal_information_check(*, author: object, body: object, confirmed: bool) -> list[str]:
    """Refuse (``InvalidInput`` with code ``confirm_personal_information``) a
    comment that seems to hold personal information, unless the reader
    ``confirmed`` sending it; returns the kinds found."""
    kinds = sorted(
        set(personal_information(body if isinstance(body, str) else ""))
        | set(personal_information(author if isinstance(author, str) else ""))
    )
    if kinds and not confirmed:
        raise InvalidInput(personal_information_reason(), field="body",
                           code="confirm_personal_information")
    return kinds


def personal_information_reason() -> str:
    return _(
        "Your comment seems to contain a phone number, an e-mail address or an identity "
        "number; once published, anyone can read it and use it to find or contact you."
    )


# --- Moderators: decide a cluster, policies, word lists, seniors ---------------


def is_senior(user: AbstractBaseUser) -> bool:
    return bool(user.is_superuser or user.has_perm("triage.decide_held"))


def cluster_decide(
    *, cluster_id: object, moderator: AbstractBaseUser, action: object, clause: object = None,
    note: object = "",
) -> list[Comment]:
    """Decide every pending comment of a cluster the moderator may see, through
    ``comment_decide`` one by one, all or none (one transaction).

    Refuses (``PermissionDenied``) when a comment is held for a senior moderator
    and the moderator is not one; ``NotFound`` when nothing is left to decide.
    """
    from tribune.moderation.decisions import comment_decide
    from tribune.moderation.permissions import comments_visible_to

    cluster_id = parse_id(cluster_id, field="cluster")
    if action not in ("approve", "reject"):
        raise InvalidInput(_("A whole cluster is approved or rejected."), field="action")
    pending = list(
        comments_visible_to(moderator)
        .filter(triage__cluster_id=cluster_id, status=Status.PENDING)
        .select_related("triage").order_by("submitted_at", "id")
    )
    if not pending:
        raise NotFound(_("There is nothing left to decide in cluster %(id)s.") % {"id": cluster_id})
    if any(c.triage.held for c in pending) and not is_senior(moderator):
        raise PermissionDenied(
            _("This cluster holds comments kept for a senior moderator."), code="held"
        )
    with transaction.atomic():
        return [
            comment_decide(comment_id=c.pk, moderator=moderator, action=action, clause=clause,
                           note=note)
            for c in pending
        ]


def policy_set(
    *, site: Site, hold_threshold: int | None, reject_threshold: int | None,
    reject_clause: int | None,
) -> Policy:
    """Set a site's triage policy; a rejection threshold needs an existing clause."""
    for name, value in (("hold", hold_threshold), ("reject", reject_threshold)):
        if value is not None and not 1 <= value <= 100:
            raise InvalidInput(_("A threshold is a priority from 1 to 100."), field=name)
    if reject_threshold is not None:
        if reject_clause is None:
            raise InvalidInput(_("Automatic rejection needs a clause."), field="clause")
        clause_get(site=site, number=reject_clause)
    policy, _created = Policy.objects.update_or_create(
        site=site, defaults={"hold_threshold": hold_threshold,
                             "reject_threshold": reject_threshold,
                             "reject_clause": reject_clause if reject_threshold else None},
    )
    return policy


def _desk(code: str) -> Desk:
    desk = Desk.objects.filter(code=(code or "").lower()).first()
    if desk is None:
        raise NotFound(_("There is no desk %(code)s.") % {"code": code})
    return desk


def term_add(*, desk_code: str, term: object, user: AbstractBaseUser | None = None) -> Term:
    """List ``term`` as insult or hate for the desk (idempotent)."""
    desk = _desk(desk_code)
    clean = clean_text(term, field="term", max_length=TERM_MAX, allow_newlines=False)
    found, _created = Term.objects.get_or_create(
        desk=desk, term=clean, defaults={"added_by": user, "added_at": timezone.now()}
    )
    return found


def term_remove(*, desk_code: str, term: object) -> bool:
    """Unlist ``term``; True if it was listed."""
    desk = _desk(desk_code)
    deleted, _rows = Term.objects.filter(desk=desk, term=str(term).strip()).delete()
    return bool(deleted)


def senior_set(*, name: str, senior: bool = True) -> AbstractBaseUser:
    """Let a moderator decide comments held for a senior moderator (or not)."""
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise NotFound(_("There is no moderator named %(name)s.") % {"name": name})
    permission = Permission.objects.get(codename="decide_held", content_type__app_label="triage")
    if senior:
        user.user_permissions.add(permission)
    else:
        user.user_permissions.remove(permission)
    return user
