"""Senior moderators: who may decide the comments triage held for one."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.utils.translation import gettext as _

from tribune.comments.models import Comment
from tribune.core.errors import NotFound

from .models import CommentTriage


def is_senior(user: AbstractBaseUser) -> bool:
    return bool(user.is_superuser or user.has_perm("triage.decide_held"))


def held_for_a_senior(comment: Comment, moderator: AbstractBaseUser) -> bool:
    """Whether triage holds ``comment`` for a senior moderator and ``moderator``
    is not one (site policies); moderation asks this before each decision
    (registered in TriageConfig.ready)."""
    return (CommentTriage.objects.filter(comment=comment, held=True).exists()
            and not is_senior(moderator))



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
