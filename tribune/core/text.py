"""Text rules shared by every entry point.

What the reader typed is what is stored: we only normalise to Unicode NFC
(Burmese typed in the Zawgyi encoding is first converted to Unicode,
:mod:`tribune.core.myanmar`) and refuse what cannot be shown safely (control
characters other than line breaks and tabs, unpaired surrogates, bidi overrides
used to spoof text direction).
Nothing is stripped silently except CRLF becoming LF and surrounding blank space.
Escaping happens once, at output, by the templates and the JSON encoder.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from .errors import InvalidInput
from .myanmar import zawgyi_to_unicode

NAME_MAX = 60
BODY_MAX_DEFAULT = 3000

_ALLOWED_CONTROLS = {"\n", "\t"}
# Bidi embedding/override/isolate controls can make a name read as someone
# else's; marks (LRM, RLM, ALM) are harmless and needed in mixed scripts.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def _refuse_controls(value: str, field: str, *, allow_newlines: bool) -> None:
    for index, char in enumerate(value):
        category = unicodedata.category(char)
        if char in _ALLOWED_CONTROLS and (allow_newlines or char == "\t"):
            continue
        if category in ("Cc", "Cs") or char in _BIDI_CONTROLS or category == "Co":
            raise InvalidInput(
                _("The text contains an invisible control character (U+%(code)04X) at "
                  "position %(position)d. Please remove it and send again.")
                % {"code": ord(char), "position": index + 1},
                field=field,
                code="control_character",
            )


def clean_text(value: object, *, field: str, max_length: int, allow_newlines: bool) -> str:
    """Return ``value`` as NFC text, or raise :class:`InvalidInput` saying why.

    The caller may rely on: a ``str`` of 1..max_length characters (counted after
    normalisation), no control characters except ``\\n`` (when allowed) and ``\\t``.
    """
    if not isinstance(value, str):
        raise InvalidInput(_("This field must be text."), field=field)
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", zawgyi_to_unicode(text)).strip()
    if not text:
        raise InvalidInput(_("This field cannot be empty."), field=field, code="required")
    _refuse_controls(text, field, allow_newlines=allow_newlines)
    if len(text) > max_length:
        raise InvalidInput(
            _("This is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(text), "limit": max_length},
            field=field,
            code="too_long",
        )
    return text


def clean_author(value: object) -> str:
    return clean_text(value, field="author", max_length=NAME_MAX, allow_newlines=False)


def clean_body(value: object, *, max_length: int = BODY_MAX_DEFAULT) -> str:
    return clean_text(value, field="body", max_length=max_length, allow_newlines=True)
