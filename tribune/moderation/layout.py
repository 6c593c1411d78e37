"""How the night shift's queue is laid out: what each card carries beyond the
comment (notes on its commenter, standing, featuring, who has it open) and
campaign clusters folded into one row.

A cluster of near-identical comments (tribune.triage) is one collapsed row at
the place of its first member on the page — "41 near-identical comments from
17 commenters in 2 hours" — that expands to its cards and is decided as a
whole in one action.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from tribune.comments.models import Comment, Status

from .live import presence_map
from .notes import notes_for
from .permissions import feature_desk_ids
from .standing import trusted_ids


def card_extras(*, user: AbstractBaseUser, comments: list[Comment]) -> dict[int, dict]:
    """For each comment: ``notes`` on its commenter, whether its commenter is
    ``trusted``, whether the user ``can_feature`` it, who has it ``open_by``,
    and its triage ``priority`` (0 when unscored) — in four queries."""
    if not comments:
        return {}
    notes = notes_for(user=user, commenter_ids={c.commenter_id for c in comments})
    trusted = trusted_ids(comments)
    opened = presence_map(user=user)
    featuring = feature_desk_ids(user)
    extras = {}
    for c in comments:
        triage = getattr(c, "triage", None) if _has_triage(c) else None
        extras[c.pk] = {
            "notes": notes.get(c.commenter_id, []),
            "trusted": c.pk in trusted,
            "can_feature": c.status == Status.APPROVED
            and (featuring is None or c.thread.desk_id in featuring),
            "open_by": opened.get(c.pk, ""),
            "priority": triage.priority if triage is not None else 0,
            "cluster": triage.cluster if triage is not None and triage.cluster_id else None,
        }
    return extras


def _has_triage(comment: Comment) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        comment.triage  # noqa: B018 - loaded by select_related; absent raises
    except ObjectDoesNotExist:
        return False
    return True


def cluster_summary(cluster) -> str:
    """E.g. "41 near-identical comments from 17 commenters in 2 hours"."""
    span = timesince(cluster.first_at, cluster.last_at, depth=1)
    values = {"size": cluster.size, "commenters": cluster.commenters, "span": span}
    if cluster.commenters == 1:
        return ngettext("%(size)d near-identical comment from 1 commenter in %(span)s",
                        "%(size)d near-identical comments from 1 commenter in %(span)s",
                        cluster.size) % values
    return ngettext("%(size)d near-identical comment from %(commenters)d commenters in %(span)s",
                    "%(size)d near-identical comments from %(commenters)d commenters in "
                    "%(span)s", cluster.size) % values


@dataclass
class Row:
    """One row of the queue: a card, or a campaign cluster folding several."""

    card: object = None
    cluster: object = None
    cards: list = field(default_factory=list)
    summary: str = ""
    clauses: list = field(default_factory=list)


def queue_layout(cards: list, *, status: str) -> list[Row]:
    """The page's rows: on the pending tabs, the cards of each campaign cluster
    (two or more comments) gathered into one row where its first card was."""
    if status not in (Status.PENDING, "trusted"):
        return [Row(card=card) for card in cards]
    rows: list[Row] = []
    by_cluster: dict[int, Row] = {}
    for card in cards:
        cluster = card.extra.get("cluster")
        if cluster is None or cluster.size < 2 or card.comment.status != Status.PENDING:
            rows.append(Row(card=card))
            continue
        row = by_cluster.get(cluster.pk)
        if row is None:
            row = by_cluster[cluster.pk] = Row(cluster=cluster, summary=cluster_summary(cluster),
                                               clauses=card.clauses)
            rows.append(row)
        row.cards.append(card)
    return rows
