"""Guards of the no-JavaScript comment form: a honeypot field and a signed
timestamp.

The page carries ``issued``, a value signed with the server's secret that holds
the time the form was served and the thread it belongs to, and ``leave_empty``,
a text field hidden from people (``hidden`` works without CSS or script) that
programs filling every field give away. On a post:

- a missing, altered or foreign ``issued``, or a filled honeypot, is tampering:
  :class:`FormTampered`, a 400 page (the reader's text is kept on it);
- a post older than ``TRIBUNE_FORM_MAX_AGE`` (default a day) is refused with
  :class:`FormExpired`, which re-shows the form with the text, a message and a
  fresh timestamp;
- otherwise the page's age is returned, for :func:`tribune.abuse.timing.submission_weigh`
  to weigh: a post sooner than ``TRIBUNE_FORM_MIN_SECONDS`` (default 3) is not
  refused for that alone (people who paste a reply are that fast).

The JSON API takes the same stamp (``issued``, from ``GET /api/v1/stamp``) and
checks it with :func:`stamp_age`.

As with Django's CSRF check, which these complement, the signed timestamp is not
required from Django's test client unless it is made with
``enforce_csrf_checks=True``; browsers and every other client always send it.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, PermissionDenied

STAMP_FIELD = "issued"
HONEYPOT_FIELD = "leave_empty"
_SALT = "tribune.abuse.form-stamp"


class FormTampered(PermissionDenied):
    status = 400
    code = "form_tampered"


class FormExpired(InvalidInput):
    code = "form_expired"


def _thread_tag(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def form_stamp(*, url: str, now: float | None = None) -> str:
    """The signed ``issued`` value for a form of the thread at ``url``."""
    issued = int(time.time() if now is None else now)
    return signing.Signer(salt=_SALT).sign(f"{issued}:{_thread_tag(url)}")


def _tampered() -> FormTampered:
    return FormTampered(_(
        "Your comment could not be sent because the form was changed or is incomplete. "
        "Open the comments page again and send your comment from there."
    ))


def stamp_age(value: str, *, url: str, now: float | None = None) -> float:
    """Seconds since the stamp ``value`` was issued for the thread at ``url``.
    Raises :class:`FormTampered` for a stamp that is not one (altered, forged,
    another thread's) and :class:`FormExpired` for one older than
    ``TRIBUNE_FORM_MAX_AGE``."""
    try:
        issued_text, tag = signing.Signer(salt=_SALT).unsign(value or "").split(":", 1)
        issued = int(issued_text)
    except (signing.BadSignature, ValueError):
        raise _tampered() from None
    if tag != _thread_tag(url):
        raise _tampered()
    age = (time.time() if now is None else now) - issued
    if age > settings.TRIBUNE_FORM_MAX_AGE:
        raise FormExpired(_(
            "This form was opened a long time ago. Your comment has been kept: please "
            "send it again."
        ))
    return age


def form_guard_check(
    request: HttpRequest, data: QueryDict, *, url: str, now: float | None = None
) -> float | None:
    """Raise :class:`FormTampered` or :class:`FormExpired` unless ``data`` is a
    post of the form served for ``url``; return how many seconds ago that form
    was served (None from Django's test client without a stamp)."""
    if data.get(HONEYPOT_FIELD, ""):
        raise _tampered()
    if getattr(request, "_dont_enforce_csrf_checks", False) and STAMP_FIELD not in data:
        return None
    return stamp_age(data.get(STAMP_FIELD, ""), url=url, now=now)
