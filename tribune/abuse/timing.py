"""How long after its page opened a comment was sent, weighed with the other
signs of an automated program.

A page's age alone does not tell a person from a program: a reader who pastes
a short reply sends it within seconds, as a program does. So a comment sent
sooner than ``TRIBUNE_FORM_MIN_SECONDS`` after its form was served (a *young
page*) is not refused for that alone. It is accepted, held in the queue for a
moderator (pending even on a post-moderated thread) and marked with why; it is
refused only when the young page comes with another sign of a program:

- links in the text or the name (what spam is sent for);
- a text the spam model scores :data:`SPAM_SCORE` or more (``triage.text_signals``,
  the score the queue shows);
- a burst: the same commenter sent another comment in the last minute, or
  :data:`NETWORK_BURST` comments came from the same network in it.

A commenter with a published comment in their history is held instead of
refused even then: a known reader pasting a link is still a reader.

Not weighed here, because they are refused before: a filled honeypot, and a
missing, altered, forged or foreign stamp (tampering, :mod:`.forms`). Nor the
text's length: a paste makes any length possible in any time, so a long text
sent fast says nothing a short one does not.

Only young pages pay for this (a few queries and a model score); every other
submission is not looked at.

The links, the spam score and a network's recent submissions are triage's
readings (triage sits above abuse): the submission action passes them in as
:class:`TriageReadings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.commenters import commenter_id_of
from tribune.comments.models import Comment, Status
from tribune.core.errors import InvalidInput
from tribune.threads.services import article_resolve

BURST_WINDOW = timedelta(minutes=1)
NETWORK_BURST = 5
# Stricter than the queue's "spam-like" label (0.5): that label only orders the
# queue, this refuses a person. Short thanks score just under 0.5 ("Thank you,
# agreed." 0.498, "Thanks!" 0.466); on ../shared/data/spam_youtube_train.csv
# 0.9 % of the ham scores 0.5 or more and none 0.6 or more, while 87 % of the
# spam does (85 % of the spam without a link).
SPAM_SCORE = 0.6


class SentTooFast(InvalidInput):
    """A young page together with another sign of an automated program."""

    code = "too_fast"


@dataclass(frozen=True)
class Held:
    """Why a comment was accepted but held for a moderator: a triage label
    (``{"code": "sent_fast", "seconds": …, "signals": […]}``)."""

    seconds: float
    signals: tuple[str, ...] = ()

    def label(self) -> dict:
        return {"code": "sent_fast", "seconds": round(self.seconds, 1),
                "signals": list(self.signals)}


class TriageReadings(Protocol):
    """What triage reads of a submission: the same judgement the queue shows the
    moderator. Asked on the young-page path only."""

    def has_links(self, text: str) -> bool:
        """Whether ``text`` holds a link."""

    def spam_score(self, *, body: str, author: str, desk_language: str) -> float:
        """The spam model's score of the text, 0 to 1."""

    def network_sent_since(self, *, network_hash: str, since: datetime) -> int:
        """How many comments the network sent since ``since``."""


def _bot_signals(*, url: str, author: str, body: str, commenter_id: int | None,
                 network_hash: str, triage: TriageReadings) -> list[str]:
    found = []
    if triage.has_links(body) or triage.has_links(author):
        found.append("links")
    ref = article_resolve(url=url)
    language = ref.thread.desk.language if ref.thread is not None else \
        ref.site.default_desk.language
    if triage.spam_score(body=body, author=author, desk_language=language) >= SPAM_SCORE:
        found.append("spam")
    since = timezone.now() - BURST_WINDOW
    if commenter_id is not None and Comment.objects.filter(
            commenter_id=commenter_id, submitted_at__gte=since).exists():
        found.append("burst")
    elif network_hash and triage.network_sent_since(
            network_hash=network_hash, since=since) >= NETWORK_BURST:
        found.append("burst")
    return found


def submission_weigh(
    *, age: float | None, url: str, author: object, body: object, commenter_token: str,
    commenter_is_new: bool, network_hash: str, triage: TriageReadings,
) -> Held | None:
    """Weigh a submission sent ``age`` seconds after its form was served (None:
    the client sent no stamp, so nothing is known of it).

    Returns None when the page was not young; a :class:`Held` (the comment is to
    be accepted, held and marked) when it was young; raises :class:`SentTooFast`
    (400, the reader's text kept by the caller) when it was young and another
    sign of a program came with it, unless the commenter has a published comment.
    ``triage`` reads the text and the network's recent comments.
    """
    if age is None or age >= settings.TRIBUNE_FORM_MIN_SECONDS:
        return None
    commenter_id = None if commenter_is_new else commenter_id_of(commenter_token)
    signals = _bot_signals(url=url, author=author if isinstance(author, str) else "",
                           body=body if isinstance(body, str) else "",
                           commenter_id=commenter_id, network_hash=network_hash,
                           triage=triage)
    if signals:
        known = commenter_id is not None and Comment.objects.filter(
            commenter_id=commenter_id, status=Status.APPROVED).exists()
        if not known:
            raise SentTooFast(_(
                "Your comment was sent only seconds after the page opened and looks like "
                "what automated programs send. Please check it and send it again in a "
                "moment."
            ))
    return Held(seconds=max(0.0, age), signals=tuple(signals))
