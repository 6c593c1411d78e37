"""A desk's word list: the insults and slurs its editors list, matched in
every comment of the desk (:func:`tribune.triage.text_signals.wordlist_hits`).

A word list is for insults and slurs only. Tribune must never hold political
words or the names of people, parties or movements: its readers may live under
censorship, and a comment system that flags such words would become a censor.
The workspace says so wherever a list is edited (``triage/wordlist.html``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, NotFound
from tribune.core.text import clean_text
from tribune.sites.models import Desk

from .models import Term

TERM_MAX = 100
# One import: at most this many lines, and this many bytes of file.
IMPORT_LINES_MAX = 2000
IMPORT_BYTES_MAX = 256 * 1024


def desk_terms(*, desk_id: int) -> list[str]:
    return list(Term.objects.filter(desk_id=desk_id).values_list("term", flat=True))


@dataclass
class ImportPreview:
    """What importing a list would do: the terms it adds, those already
    listed, and the lines it refuses with why (``(line number, text, reason)``)."""

    new: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)


def import_text(data: bytes) -> str:
    """The text of an uploaded list: UTF-8 (a byte-order mark is dropped), at
    most :data:`IMPORT_BYTES_MAX` bytes; else ``InvalidInput`` saying why."""
    if len(data) > IMPORT_BYTES_MAX:
        raise InvalidInput(
            _("The file is %(size)d KB; a word list may be at most %(limit)d KB.")
            % {"size": len(data) // 1024, "limit": IMPORT_BYTES_MAX // 1024}, field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            _("The file is not UTF-8 text. Save it as plain text (UTF-8), one term a line."),
            field="file") from None


def terms_preview(*, desk_code: str, text: object) -> ImportPreview:
    """Read ``text`` (one term a line; empty lines and lines starting with
    ``#`` are skipped) against the desk's list, without changing anything."""
    desk = _desk(desk_code)
    if not isinstance(text, str):
        raise InvalidInput(_("This field must be text."), field="terms")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > IMPORT_LINES_MAX:
        raise InvalidInput(
            _("The list has %(count)d lines; import at most %(limit)d at a time.")
            % {"count": len(lines), "limit": IMPORT_LINES_MAX}, field="terms")
    listed = set(desk_terms(desk_id=desk.pk))
    preview, seen = ImportPreview(), set()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            term = clean_text(line, field="terms", max_length=TERM_MAX, allow_newlines=False)
        except InvalidInput as error:
            preview.refused.append((number, line[:TERM_MAX], error.message))
            continue
        if term in seen:
            continue
        seen.add(term)
        (preview.listed if term in listed else preview.new).append(term)
    return preview


def terms_import(*, desk_code: str, text: object, user: AbstractBaseUser | None = None
                 ) -> ImportPreview:
    """Add every acceptable term of ``text`` to the desk's list, all or none
    (one transaction); returns what was added, already listed and refused."""
    preview = terms_preview(desk_code=desk_code, text=text)
    with transaction.atomic():
        for term in preview.new:
            term_add(desk_code=desk_code, term=term, user=user)
    return preview


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
