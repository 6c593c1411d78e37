"""Time zones by IANA name, and coarse public times."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PRECISIONS = ("day", "hour", "minute")


def zone_of(name: object) -> zoneinfo.ZoneInfo:
    """The time zone named ``name`` (``Asia/Seoul``); ``ValidationError`` if none."""
    if not isinstance(name, str) or not name or len(name) > 64 or name.startswith("/"):
        raise ValidationError(_("%(name)s is not a time zone name such as Asia/Seoul.")
                              % {"name": str(name)[:64]})
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(_("%(name)s is not a time zone name such as Asia/Seoul.")
                              % {"name": name}) from error


def coarse_time(when: dt.datetime, *, precision: str, zone: str) -> dt.datetime:
    """``when`` in the time zone ``zone``, cut to the start of its day, hour or
    minute. Cutting never moves a time later, so the order of published comments
    (kept by their exact times) never contradicts the times shown."""
    try:
        local = when.astimezone(zone_of(zone))
    except ValidationError:
        local = when.astimezone(dt.UTC)
    if precision == "minute":
        cut = local.replace(second=0, microsecond=0)
    elif precision == "hour":
        cut = local.replace(minute=0, second=0, microsecond=0)
    else:
        cut = local.replace(hour=0, minute=0, second=0, microsecond=0)
    # A ZoneInfo time computes its offset from the wall clock, so the cut time
    # carries the offset in force at that moment (DST included).
    return cut
