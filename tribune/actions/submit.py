"""Submitting a comment: the one use case behind every way a reader sends one.

The JSON API (``POST /api/v1/comments``, through Django or through its fast path
:mod:`tribune.publishing.intake`) and the no-JavaScript form (``/embed/thread``)
parse what they received, check what only they can (the page's origin, the
form's guard, the personal-information confirmation page), and call
:func:`submit`; the demo, the tests and anything else that submits without a
request call :func:`comment_submit`. So every submission takes the same steps in
the same order: the personal-information check, the reader's pseudonymous token
and network hash, the rate limit, the weighing of how it was sent, the write,
the notice address, the cookie.

What follows an accepted comment is declared once, in :class:`_Effects`: triage,
the ``submitted`` event (webhook deliveries, the desk's queue alert) and the
publication on arrival of a post-moderated thread. The write
(:func:`tribune.comments.services.comment_write`) asks the same declaration
whether any of them must commit with the comment: if none must, the comment is
written in a batch (a group commit) and the effects run right after its commit;
otherwise in a transaction of its own, with the effects inside it. A batched
comment and a single one therefore get the same effects, and an effect added
here is never skipped by either.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from tribune.abuse.forms import stamp_age
from tribune.abuse.services import ratelimit_check
from tribune.abuse.timing import submission_weigh
from tribune.comments.commenters import (
    commenter_token_for_submission,
    commenter_token_signed,
)
from tribune.comments.models import Comment
from tribune.comments.services import comment_write
from tribune.moderation.decisions import comment_decide
from tribune.moderation.live import queue_arrived
from tribune.moderation.restrictions import submission_rate_keys
from tribune.notifications.events import comment_event
from tribune.notifications.services import email_clean, notice_address_set, queue_alert_exists
from tribune.privacy.services import network_hash
from tribune.threads.models import ModerationMode, Thread
from tribune.threads.services import article_resolve
from tribune.triage.background import comment_triage, triage_mode
from tribune.triage.personal_check import personal_information_check
from tribune.triage.selectors import SUBMISSION_READINGS
from tribune.webhooks.services import webhooks_subscribed


class _Effects:
    """What follows every accepted comment (see the module's docstring)."""

    def in_transaction(self, thread: Thread) -> bool:
        """Whether an effect on a comment of ``thread`` writes rows that must
        commit with it (or a triage that must run inside its transaction)."""
        return (
            thread.moderation != ModerationMode.PRE
            or triage_mode() == "inline"
            or webhooks_subscribed(site_id=thread.site_id, event="comment.submitted")
            or queue_alert_exists(desk_id=thread.desk_id)
        )

    def run(self, comment: Comment, *, held: dict | None) -> Comment:
        """The effects, in the comment's transaction or right after its commit
        (then those that write find nothing to write: :meth:`in_transaction`)."""
        comment_triage(comment=comment, extra_label=held)  # signals, priority, campaigns
        comment_event(event="submitted", comment=comment)  # webhooks, queue alert
        queue_arrived()  # open queues look again (tribune.moderation.live)
        if comment.thread.moderation == ModerationMode.POST and held is None:
            comment = comment_decide(comment_id=comment.pk, moderator=None, action="approve",
                                     note="post-moderation: published on arrival")
        return comment


EFFECTS = _Effects()


def comment_submit(
    *, url: object, author: object, body: object, parent: object = None,
    title: object = None, desk: object = None, commenter_token: str,
    commenter_is_new: bool = False, network_hash: str = "", held: dict | None = None,
) -> Comment:
    """Accept a comment into the moderation queue, with its effects; for callers
    without a request (the demo, tests). What the caller may rely on is
    :func:`tribune.comments.services.comment_write`'s."""
    return comment_write(url=url, author=author, body=body, parent=parent, title=title,
                         desk=desk, commenter_token=commenter_token,
                         commenter_is_new=commenter_is_new, network_hash=network_hash,
                         held=held, effects=EFFECTS)


@dataclass(frozen=True)
class Submitted:
    comment: Comment
    # The signed token to set as the reader's cookie when this submission made
    # them a commenter; None for a returning reader.
    signed_token: str | None


def submit(
    *, request: HttpRequest, url: object, author: object, body: object,
    parent: object = None, title: object = None, desk: object = None, email: object = None,
    personal_information_confirmed: bool, stamp: object = None, form_age: float | None = None,
) -> Submitted:
    """A reader's submission, as a surface received it in ``request``.

    ``stamp``: the signed time the API's form was shown (``issued``), or
    ``form_age``: the no-JS form's age, from its guard; with either, how the
    comment was sent is weighed (:func:`~tribune.abuse.timing.submission_weigh`)
    and may hold it for a moderator. Raises the services' errors
    (``TribuneError``: ``RateLimited`` among them) before anything is written.
    When this returns the comment is durably stored, its effects have run or
    are queued, and the notice address (optional e-mail) is kept.
    """
    personal_information_check(author=author, body=body,  # 400 unless confirmed
                               confirmed=personal_information_confirmed)
    token, is_new = commenter_token_for_submission(request)
    network = network_hash(request)
    ref = article_resolve(url=url)
    # Counted before anything is written; reads are never limited (tribune.abuse).
    # Who is counted depends on the site: a network is nobody's identity on a
    # site whose readers come through shared exits.
    ratelimit_check(scope="submit", keys=submission_rate_keys(
        site=ref.site, thread_url=ref.url, commenter_token=token, network_hash=network))
    held = None
    if stamp is not None or form_age is not None:
        # The stamp names the thread by its normalised URL, as the form's does.
        normalised = ref.url
        held = submission_weigh(
            age=stamp_age(stamp, url=normalised) if form_age is None else form_age,
            url=normalised, author=author, body=body, commenter_token=token,
            commenter_is_new=is_new, network_hash=network, triage=SUBMISSION_READINGS)
    address = email_clean(email)
    # Everything is validated before the one short write transaction, so a
    # refused comment leaves no thread behind.
    comment = comment_submit(
        url=url, author=author, body=body, parent=parent, title=title, desk=desk,
        commenter_token=token, commenter_is_new=is_new, network_hash=network,
        held=held.label() if held is not None else None,
    )
    notice_address_set(comment=comment, email=address)
    return Submitted(comment=comment, signed_token=commenter_token_signed(token) if is_new
                     else None)
