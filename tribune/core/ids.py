"""Ids arriving from outside: numbers within what every database can hold."""

from __future__ import annotations

from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import Field

from .errors import InvalidInput

ID_MAX = 2**63 - 1


def parse_id(value: object, *, field: str) -> int:
    """``value`` as a positive database id, or :class:`InvalidInput`."""
    if isinstance(value, bool):
        raise InvalidInput(_("This must be a number."), field=field)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidInput(_("This must be a number."), field=field) from None
    if not 1 <= number <= ID_MAX:
        raise InvalidInput(_("This number is out of range."), field=field)
    return number


# An id in a URL path of the API: out of range is a 400 like any invalid input,
# never a database overflow (SQLite and PostgreSQL hold 64-bit integers).
IdParam = Annotated[int, Field(ge=1, le=ID_MAX)]
