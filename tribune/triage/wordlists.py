"""A desk's word list: the insults and slurs its moderators list, matched in
every comment of the desk (:func:`tribune.triage.text_signals.wordlist_hits`)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.errors import NotFound
from tribune.core.text import clean_text
from tribune.sites.models import Desk

from .models import Term

TERM_MAX = 100


def desk_terms(*, desk_id: int) -> list[str]:
    return list(Term.objects.filter(desk_id=desk_id).values_list("term", flat=True))



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
