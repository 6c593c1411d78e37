"""Who may do what: one rule per action, whatever surface calls it.

The workspace, the moderation API, the threads API, the CLI and the demo all
reach the same services, and those services ask these functions — so a rule
cannot hold on one route and not on another (a plain moderator once switched an
article to post-moderation through the threads API, which checked the desks a
moderator *sees* instead of the desks they *edit*).

Three kinds of actor:

- a person (a session in the workspace, or their own API token from ``tribune
  token create``): a moderator sees and decides on their desks; a desk editor
  also changes the desk's article settings and bans its commenters; an
  administrator (superuser) does all of it on every desk. A person's token
  carries exactly the person's permissions.
- an integration's token (``tribune integration token``): it acts through a user
  of its own that is never a superuser, limited to the integration's desks (or
  every desk when it was given none), and only for the scopes the token holds,
  as ``docs/embed.md`` lists them: ``threads:write`` creates and changes threads
  (title, desk, open, moderation, closing time); ``moderation:read`` reads the
  queue; ``moderation:write`` decides, and bans on its desks — never on every
  desk, which stays an administrator's act.

The token an integration presented is known as the user's ``token_grant``
(:class:`TokenGrant`), set when the token is authenticated.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tribune.comments.models import Comment

from .models import DeskAssignment, Role


class Scope(models.TextChoices):
    """What an API token may do. A moderator's own token holds every scope, for
    their desks; an integration's token holds only the scopes it was given. The
    rules below read them, so they live here; integrations grant them."""

    THREADS_WRITE = "threads:write", _("create and update threads (title, desk, open, moderation)")
    MODERATION_READ = "moderation:read", _("read the moderation queue")
    MODERATION_WRITE = "moderation:write", _("decide comments")


@dataclass(frozen=True)
class TokenGrant:
    """What an integration's token allows: its scopes, and whether its
    integration covers every desk (else only its assigned desks)."""

    scopes: frozenset[str]
    all_desks: bool


def token_grant(user: AbstractBaseUser) -> TokenGrant | None:
    """The grant of the integration token ``user`` acts through; None for a person."""
    return getattr(user, "token_grant", None)


def _assigned(user: AbstractBaseUser, *, role: str | None = None) -> set[int]:
    assignments = DeskAssignment.objects.filter(user=user)
    if role is not None:
        assignments = assignments.filter(role=role)
    return set(assignments.values_list("desk_id", flat=True))


def _granted(user: AbstractBaseUser, scope: str) -> set[int] | None:
    grant = token_grant(user)
    if grant is None or scope not in grant.scopes or not user.is_active:
        return set()
    return None if grant.all_desks else _assigned(user)


def moderator_desk_ids(user: AbstractBaseUser) -> set[int] | None:
    """The desks a moderator may see and decide; ``None`` means every desk."""
    grant = token_grant(user)
    if grant is not None:
        if not user.is_active:
            return set()
        return None if grant.all_desks else _assigned(user)
    if user.is_superuser:
        return None
    if not user.is_active:
        return set()
    return _assigned(user)


def editor_desk_ids(user: AbstractBaseUser) -> set[int] | None:
    """The desks whose article settings and bans a person manages (desk editor);
    ``None`` means every desk (administrator). An integration edits no desk as a
    person would: see :func:`settings_desk_ids` and :func:`ban_desk_ids`."""
    if token_grant(user) is not None:
        return set()
    if user.is_superuser:
        return None
    if not user.is_active:
        return set()
    return _assigned(user, role=Role.EDITOR)


def settings_desk_ids(user: AbstractBaseUser) -> set[int] | None:
    """The desks whose articles' settings (open, moderation mode, closing time,
    title, desk) and new threads the actor manages: a person's editor desks, an
    integration token's desks when it holds ``threads:write``."""
    if token_grant(user) is not None:
        return _granted(user, Scope.THREADS_WRITE)
    return editor_desk_ids(user)


def ban_desk_ids(user: AbstractBaseUser) -> set[int] | None:
    """The desks on which the actor bans and suspends commenters: a person's
    editor desks, an integration token's desks when it holds ``moderation:write``."""
    if token_grant(user) is not None:
        return _granted(user, Scope.MODERATION_WRITE)
    return editor_desk_ids(user)


def may_ban_everywhere(user: AbstractBaseUser) -> bool:
    """Bans on every desk at once: administrators (people) only."""
    return token_grant(user) is None and user.is_active and user.is_superuser


def _within(desks: set[int] | None, desk_id: int) -> bool:
    return desks is None or desk_id in desks


def can_see_desk(user: AbstractBaseUser, desk_id: int) -> bool:
    return _within(moderator_desk_ids(user), desk_id)


def can_edit_desk(user: AbstractBaseUser, desk_id: int) -> bool:
    """Whether the actor changes the settings of the desk's articles."""
    return _within(settings_desk_ids(user), desk_id)


def can_ban_on_desk(user: AbstractBaseUser, desk_id: int) -> bool:
    return _within(ban_desk_ids(user), desk_id)


def is_editor(user: AbstractBaseUser) -> bool:
    """Whether the user edits at least one desk (or is an administrator)."""
    desks = editor_desk_ids(user)
    return desks is None or bool(desks)


def wordlist_desk_ids(user: AbstractBaseUser) -> set[int] | None:
    """The desks whose word list (insults and slurs, ``triage/wordlists.py``) a
    person keeps: a desk editor's desks, every desk for an administrator; an
    integration keeps none."""
    return editor_desk_ids(user)


def can_edit_wordlist(user: AbstractBaseUser, desk_id: int) -> bool:
    return _within(wordlist_desk_ids(user), desk_id)


def comments_visible_to(user: AbstractBaseUser) -> QuerySet:
    desk_ids = moderator_desk_ids(user)
    comments = Comment.objects.all()
    return comments if desk_ids is None else comments.filter(thread__desk_id__in=desk_ids)


# --- The night shift's workspace actions (people only: an integration has no
# session in the workspace and keeps no notes) -----------------------------------


def _person(user: AbstractBaseUser) -> bool:
    return token_grant(user) is None and user.is_active


def can_keep_notes(user: AbstractBaseUser, desk_id: int) -> bool:
    """Notes on commenters, read and written by the moderators of the desk."""
    return _person(user) and can_see_desk(user, desk_id)


def feature_desk_ids(user: AbstractBaseUser) -> set[int] | None:
    """The desks whose published comments the user features; ``None``: every desk."""
    return moderator_desk_ids(user) if _person(user) else set()


def can_feature(user: AbstractBaseUser, desk_id: int) -> bool:
    """Featuring a published comment (or taking it back): the desk's moderators."""
    return _within(feature_desk_ids(user), desk_id)


def can_set_standing(user: AbstractBaseUser, desk_id: int) -> bool:
    """A desk's standing rule (trusted commenters) and its idle timeout: the
    desk's editors and administrators."""
    return _person(user) and _within(editor_desk_ids(user), desk_id)


def can_watch_queue(user: AbstractBaseUser, desk_id: int) -> bool:
    """Seeing the live queue of a desk, and being seen there with a comment open."""
    return _person(user) and can_see_desk(user, desk_id)
