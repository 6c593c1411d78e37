"""The check a reader meets before sending a comment that seems to hold
personal information (found by :mod:`tribune.triage.personal`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput

from .personal import personal_information


def personal_information_check(*, author: object, body: object, confirmed: bool) -> list[str]:
    """Refuse (``InvalidInput`` with code ``confirm_personal_information``) a
    comment that seems to hold personal information, unless the reader
    ``confirmed`` sending it; returns the kinds found."""
    kinds = sorted(
        set(personal_information(body if isinstance(body, str) else ""))
        | set(personal_information(author if isinstance(author, str) else ""))
    )
    if kinds and not confirmed:
        raise InvalidInput(personal_information_reason(), field="body",
                           code="confirm_personal_information")
    return kinds


def personal_information_reason() -> str:
    return _(
        "Your comment seems to contain a phone number, an e-mail address or an identity "
        "number; once published, anyone can read it and use it to find or contact you."
    )
