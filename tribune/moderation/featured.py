"""Featured comments: a moderator puts a published comment forward.

The thread's published view (the API, the widget, the no-JS page) lists
featured comments first, marked ``"featured": true``; taking the feature back
puts the comment back in its place. Each change is rendered at once, like a
decision, and kept in the audit (:class:`~tribune.moderation.models.FeatureChange`).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status
from tribune.core.errors import Conflict, NotFound
from tribune.core.ids import parse_id
from tribune.privacy.models import Erasure
from tribune.publishing.services import thread_publish

from .models import FeatureChange
from .permissions import can_feature

FEATURED_MAX = 10


def comment_feature(*, comment_id: object, moderator: AbstractBaseUser,
                    featured: bool = True) -> Comment:
    """Feature (or stop featuring) a published comment of the moderator's desks.

    Only a published comment can be featured (``Conflict`` otherwise); at most
    :data:`FEATURED_MAX` per thread. Another desk's comment is ``NotFound``."""
    comment_id = parse_id(comment_id, field="id")
    with transaction.atomic():
        comment = (Comment.objects.select_for_update().select_related("thread")
                   .filter(pk=comment_id).first())
        if comment is None or not can_feature(moderator, comment.thread.desk_id):
            raise NotFound(_("There is no comment %(id)s.") % {"id": comment_id})
        if featured:
            if comment.status != Status.APPROVED or Erasure.objects.filter(
                    comment=comment).exists():
                raise Conflict(_("Only a published comment can be featured."),
                               code="not_published")
            if comment.featured_at is not None:
                raise Conflict(_("This comment is already featured."), code="already_featured")
            if Comment.objects.filter(thread=comment.thread, featured_at__isnull=False,
                                      status=Status.APPROVED).count() >= FEATURED_MAX:
                raise Conflict(_("At most %(max)s comments of an article can be featured.")
                               % {"max": FEATURED_MAX}, code="too_many_featured")
            comment.featured_at = timezone.now()
        else:
            if comment.featured_at is None:
                raise Conflict(_("This comment is not featured."), code="not_featured")
            comment.featured_at = None
        comment.save(update_fields=["featured_at"])
        FeatureChange.objects.create(comment=comment, featured=featured, moderator=moderator,
                                     created_at=timezone.now())
        if comment.status == Status.APPROVED:
            thread_publish(thread=comment.thread)
    return comment
