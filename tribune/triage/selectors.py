"""Reads for the queue: the priority order, reason labels and cluster lines."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.utils.formats import number_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tribune.comments.models import Comment
from tribune.moderation.selectors import DEFAULT_ORDERS, QUEUE_ORDERS, QueueOrder

from .background import triage_mode
from .models import Cluster, CommentTriage
from .text_signals import link_spans, text_signals

SCRIPT_NAMES = {
    "Latin": gettext_lazy("Latin"), "Hangul": gettext_lazy("Hangul"),
    "Han": gettext_lazy("Chinese characters"), "Tibetan": gettext_lazy("Tibetan"),
    "Arabic": gettext_lazy("Arabic"), "Myanmar": gettext_lazy("Burmese"),
    "Cyrillic": gettext_lazy("Cyrillic"),
}
PI_NAMES = {
    "email": gettext_lazy("e-mail address"), "phone": gettext_lazy("phone number"),
    "kr_rrn": gettext_lazy("Korean resident registration number"),
    "cn_id": gettext_lazy("Chinese ID number"),
}


def _after_priority(comments: QuerySet, anchor: Comment) -> QuerySet:
    """Keyset for "priority": higher first, then oldest first; unscored last."""
    priority = (
        CommentTriage.objects.filter(pk=anchor.pk).values_list("priority", flat=True).first()
    )
    later = Q(submitted_at__gt=anchor.submitted_at) | Q(
        submitted_at=anchor.submitted_at, id__gt=anchor.pk
    )
    if priority is None:
        return comments.filter(Q(triage__isnull=True) & later)
    return comments.filter(
        Q(triage__priority__lt=priority) | Q(triage__isnull=True)
        | (Q(triage__priority=priority) & later)
    )


def queue_order_register() -> None:
    """Offer "priority" among the moderation queue's orders."""

    # Wherever triage is on, its order is the queue's default.
    DEFAULT_ORDERS.append(lambda: "priority" if triage_mode() != "off" else None)

    QUEUE_ORDERS["priority"] = QueueOrder(
        gettext_lazy("Priority (triage)"),
        (F("triage__priority").desc(nulls_last=True), "submitted_at", "id"),  # type: ignore[arg-type]  # an expression is a valid ORDER BY
        _after_priority,
    )


def label_text(label: dict) -> str:
    """A reason label as a moderator reads it (short, translated)."""
    code = label.get("code")
    if code == "insult":
        return _("Insult or hate (%(percent)d%%)") % {"percent": round(100 * label["score"])}
    if code == "listed_terms":
        return _("Desk word list: %(terms)s") % {"terms": ", ".join(label.get("terms", []))}
    if code == "spam":
        return _("Spam-like (%(percent)d%%)") % {"percent": round(100 * label["score"])}
    if code == "links":
        text = ngettext("%(n)d link", "%(n)d links", label["n"]) % {"n": label["n"]}
        if label.get("domains"):
            text += ": " + ", ".join(label["domains"])
        return text
    if code == "shouting":
        return _("Shouting")
    if code == "repetition":
        return _("Repetition")
    if code == "language_mismatch":
        script = SCRIPT_NAMES.get(label.get("script", ""), label.get("script", ""))
        return _("Not in the desk's language (%(script)s)") % {"script": script}
    if code == "mixed_script_name":
        return _("Name mixes scripts")
    if code == "confusable_name":
        return _("Look-alike letters in name")
    if code == "personal_information":
        kinds = ", ".join(str(PI_NAMES.get(k, k)) for k in label.get("kinds", []))
        return _("Personal information: %(kinds)s") % {"kinds": kinds}
    if code == "commenter_burst":
        return _("%(n)d comments from this commenter in 10 minutes") % {"n": label["n"]}
    if code == "network_burst":
        return _("%(n)d comments from this network in 10 minutes") % {"n": label["n"]}
    if code == "thread_surge":
        return _("Surge: %(n)d comments on this article in 10 minutes") % {"n": label["n"]}
    if code == "held":
        return _("Held for a senior moderator")
    if code == "sent_fast":
        text = _("Sent %(seconds)s s after its page opened (a paste, or a program)") % {
            "seconds": number_format(label.get("seconds", 0), decimal_pos=1)}
        if label.get("signals"):
            names = {"links": _("links"), "spam": _("spam-like"),
                     "burst": _("several comments in a minute")}
            text += "; " + _("known commenter, despite: %(signals)s") % {
                "signals": ", ".join(str(names.get(s, s)) for s in label["signals"])}
        return text
    if code == "auto_rejected":
        return _("Rejected automatically by the site's policy")
    return str(code)


def cluster_line(cluster: Cluster) -> str:
    """E.g. "One of 41 near-identical comments from 17 commenters in 2 hours"."""
    span = timesince(cluster.first_at, cluster.last_at, depth=1) if cluster.size > 1 else ""
    values = {"size": cluster.size, "commenters": cluster.commenters, "span": span}
    if cluster.threads > 1:
        values["threads"] = cluster.threads
        return ngettext(
            "One of %(size)d near-identical comments from %(commenters)d commenter on "
            "%(threads)d articles in %(span)s",
            "One of %(size)d near-identical comments from %(commenters)d commenters on "
            "%(threads)d articles in %(span)s",
            cluster.commenters,
        ) % values
    return ngettext(
        "One of %(size)d near-identical comments from %(commenters)d commenter in %(span)s",
        "One of %(size)d near-identical comments from %(commenters)d commenters in %(span)s",
        cluster.commenters,
    ) % values


def triage_of(comment: Comment) -> CommentTriage | None:
    try:
        return comment.triage
    except CommentTriage.DoesNotExist:
        return None


class SubmissionReadings:
    """What triage reads of a comment sent from a young page, passed by the
    submission action to :func:`tribune.abuse.timing.submission_weigh` (abuse
    sits below triage): the same judgement the queue shows the moderator."""

    def has_links(self, text: str) -> bool:
        return bool(link_spans(text))

    def spam_score(self, *, body: str, author: str, desk_language: str) -> float:
        return text_signals(body=body, author=author, desk_language=desk_language).spam

    def network_sent_since(self, *, network_hash: str, since: datetime) -> int:
        return CommentTriage.objects.filter(
            network_hash=network_hash, submitted_at__gte=since).count()


SUBMISSION_READINGS = SubmissionReadings()
