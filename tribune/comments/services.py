"""Comments: what a reader may send, and what is kept of it."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, PermissionDenied
from tribune.core.ids import parse_id
from tribune.core.text import clean_author, clean_body
from tribune.sites.services import desk_get
from tribune.threads.models import ModerationMode
from tribune.threads.services import (
    article_resolve,
    thread_get_or_create,
    thread_title_fill,
    title_clean,
)

from .batches import batching_possible, comment_store
from .commenters import commenter_get_or_create, commenter_id_of, token_hash
from .models import Comment, Status


def comment_submit(
    *,
    url: object,
    author: object,
    body: object,
    parent: object = None,
    title: object = None,
    desk: object = None,
    commenter_token: str,
    commenter_is_new: bool = False,
    network_hash: str = "",
    held: dict | None = None,
) -> Comment:
    """Accept a reader's comment into the moderation queue.

    Everything is validated before anything is written: a refusal
    (``InvalidInput``, ``NotFound``, ``PermissionDenied``) leaves no trace. When
    this returns, the comment is committed (durable) with status ``pending``,
    or ``approved`` on a post-moderated thread. ``title`` and ``desk`` come from the
    embedding page: a thread made by this comment gets them; an existing thread
    only gains a title it lacks. ``commenter_is_new``: the token was made for this
    submission (:func:`~tribune.comments.commenters.commenter_token_for_submission`),
    so no commenter can have it yet. ``held``: why the comment is held for a
    moderator although accepted (a triage label from
    :func:`tribune.abuse.timing.submission_weigh`): it stays pending even on a
    post-moderated thread, and is triaged in this transaction with that label,
    so the moderator sees why.

    Safety state is obeyed everywhere at once: on PostgreSQL, where other hosts
    may have just banned the sender, closed the thread or removed the site, the
    site, the thread and the bans are read from the database inside the
    transaction that writes the comment (what processes remember is not used
    inside a transaction), not from this process's memory. On SQLite every
    process of the one host has heard of a change before its call answered
    (stamp files), so memory is enough there and the write lock is held for the
    inserts only.
    """
    arguments = {"url": url, "author": author, "body": body, "parent": parent, "title": title,
                 "desk": desk, "commenter_token": commenter_token,
                 "commenter_is_new": commenter_is_new, "network_hash": network_hash,
                 "held": held}
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                return _submit(**arguments)
        except PermissionDenied as refusal:
            if refusal.code == "thread_closed":
                # A thread past its closing time is closed as it is found, and the
                # refusal rolled that back: resolve again outside its transaction so
                # the closing is kept (and its render says so).
                article_resolve(url=url)
            raise
    return _submit(**arguments)


def _submit(*, url: object, author: object, body: object, parent: object, title: object,
            desk: object, commenter_token: str, commenter_is_new: bool,
            network_hash: str, held: dict | None) -> Comment:
    ref = article_resolve(url=url)
    # Validated here, before the write transaction (SQLite holds its write lock
    # from BEGIN): nothing but the inserts below runs under it.
    chosen_desk = desk_get(code=desk) if desk not in (None, "") and ref.thread is None else None
    title_clean(title)
    clean_name = clean_author(author)
    clean_text = clean_body(body, max_length=ref.site.body_max_length)
    parent_id = None if parent in (None, "") else parse_id(parent, field="parent")
    if ref.thread is not None and not ref.thread.is_open:
        raise PermissionDenied(
            _("Comments on this article are closed."), field="url", code="thread_closed"
        )
    from tribune.moderation.bans import ban_refuse

    ban_refuse(
        commenter_token=commenter_token, network_hash=network_hash,
        desk_id=ref.thread.desk_id if ref.thread is not None else ref.site.default_desk_id,
    )
    if parent_id is not None:
        visible_parent = (
            ref.thread is not None
            and Comment.objects.filter(
                pk=parent_id, thread=ref.thread, status=Status.APPROVED
            ).exists()
        )
        if not visible_parent:
            raise InvalidInput(
                _("The comment you are replying to does not exist under this article."),
                field="parent",
                code="unknown_parent",
            )

    if held is None and _plain(ref, title):
        # Most submissions: written in the next batch (tribune.comments.batches).
        thread = ref.thread
        comment = Comment(
            thread=thread, parent_id=parent_id, author=clean_name, body=clean_text,
            language=thread.desk.language, network_hash=network_hash,
            submitted_at=timezone.now(),
            commenter_id=None if commenter_is_new else commenter_id_of(commenter_token),
        )
        comment_store(comment=comment, token_hash=token_hash(commenter_token))
        # Committed. Its ``submitted`` event has no one to go to (that is what made
        # it plain: no webhook for it, no queue alert), so only triage follows.
        from tribune.triage.scoring import comment_triage

        comment_triage(comment=comment)
        return comment

    # On PostgreSQL this is inside comment_submit's own transaction, which rolls
    # back whatever fails here: no savepoint (two round trips).
    with transaction.atomic(savepoint=connection.vendor != "postgresql"):
        if ref.thread is None:
            thread = thread_get_or_create(url=ref.url, title=title, desk=chosen_desk)
        else:
            thread = ref.thread
            if title not in (None, ""):
                thread_title_fill(thread=thread, title=title)
        comment = Comment.objects.create(
            thread=thread,
            parent_id=parent_id,
            commenter=commenter_get_or_create(commenter_token, new=commenter_is_new),
            author=clean_name,
            body=clean_text,
            language=thread.desk.language,
            network_hash=network_hash,
            submitted_at=timezone.now(),
        )
        from tribune.triage.scoring import comment_triage  # signals, priority, campaigns

        comment_triage(comment=comment, extra_label=held)
        from tribune.notifications.events import comment_event  # webhooks, e-mail: after commit

        comment_event(event="submitted", comment=comment)
        if thread.moderation == ModerationMode.POST and held is None:
            from tribune.moderation.decisions import comment_decide

            comment = comment_decide(comment_id=comment.pk, moderator=None, action="approve",
                                     note="post-moderation: published on arrival")
    return comment


def _plain(ref, title: object) -> bool:
    """Whether a submission needs nothing but its own rows (and perhaps its
    commenter's) in its transaction, so that it can be written in a batch:
    an existing pre-moderated thread with its title, no triage inside the
    transaction, no webhook for submissions and no queue alert (their rows
    commit with the comment)."""
    from tribune.notifications.services import queue_alert_exists
    from tribune.triage.background import triage_mode
    from tribune.webhooks.services import webhooks_subscribed

    thread = ref.thread
    return (
        thread is not None
        and thread.moderation == ModerationMode.PRE
        and (title in (None, "") or bool(thread.title))
        and triage_mode() != "inline"
        and batching_possible()
        and not webhooks_subscribed(site_id=thread.site_id, event="comment.submitted")
        and not queue_alert_exists(desk_id=thread.desk_id)
    )
