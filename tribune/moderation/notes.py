"""Moderators' notes on pseudonymous commenters.

A note is for the moderators of the desk it was written on: shown on the
commenter's page and on their comments' cards in the queue, never to readers
and never through the public API. Notes are part of the audit: withdrawn (by
whom, when), never edited or deleted."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.models import Comment
from tribune.core.errors import InvalidInput, NotFound, PermissionDenied
from tribune.core.ids import parse_id
from tribune.core.text import clean_text
from tribune.sites.models import Desk

from .models import CommenterNote
from .permissions import can_keep_notes, moderator_desk_ids

NOTE_BODY_MAX = 2000


def note_add(*, actor: AbstractBaseUser, commenter_id: object, desk_code: object,
             body: object) -> CommenterNote:
    """Write a note on a commenter for one of the actor's desks where the
    commenter has written. Another desk, or a commenter the actor cannot see,
    is ``NotFound``."""
    commenter_id = parse_id(commenter_id, field="commenter")
    desk = Desk.objects.filter(code=str(desk_code or "").lower()).first()
    if desk is None or not can_keep_notes(actor, desk.pk):
        raise NotFound(_("There is no desk %(code)s among yours.") % {"code": desk_code or ""},
                       field="desk")
    if not Comment.objects.filter(commenter_id=commenter_id, thread__desk=desk).exists():
        raise NotFound(_("There is no commenter %(id)s on this desk.") % {"id": commenter_id})
    if body in (None, "") or not str(body).strip():
        raise InvalidInput(_("Write the note first."), field="body")
    text = clean_text(body, field="body", max_length=NOTE_BODY_MAX, allow_newlines=True)
    return CommenterNote.objects.create(
        commenter_id=commenter_id, desk=desk, body=text, created_by=actor,
        created_at=timezone.now(),
    )


def note_withdraw(*, actor: AbstractBaseUser, note_id: object) -> CommenterNote:
    """Withdraw a note (kept, marked withdrawn): any moderator of its desk."""
    note_id = parse_id(note_id, field="note")
    with transaction.atomic():
        note = CommenterNote.objects.select_for_update().filter(pk=note_id).first()
        if note is None or not can_keep_notes(actor, note.desk_id):
            raise NotFound(_("There is no note %(id)s.") % {"id": note_id})
        if note.withdrawn_at is not None:
            raise PermissionDenied(_("This note is already withdrawn."), code="withdrawn")
        note.withdrawn_at = timezone.now()
        note.withdrawn_by = actor
        note.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return note


def notes_for(*, user: AbstractBaseUser, commenter_ids: Iterable[int],
              withdrawn: bool = False) -> dict[int, list[CommenterNote]]:
    """The notes the user may read on each commenter, newest first, in one query."""
    ids = set(commenter_ids)
    notes: dict[int, list[CommenterNote]] = {cid: [] for cid in ids}
    if not ids:
        return notes
    rows = CommenterNote.objects.filter(commenter_id__in=ids).select_related(
        "created_by", "withdrawn_by", "desk")
    desks = moderator_desk_ids(user)
    if desks is not None:
        rows = rows.filter(desk_id__in=desks)
    if not withdrawn:
        rows = rows.filter(withdrawn_at__isnull=True)
    for note in rows.order_by("-created_at", "-id"):
        notes[note.commenter_id].append(note)
    return notes
