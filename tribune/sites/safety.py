"""A site's safety settings (issue #15), and a desk's time zone.

- ``shared_exits``: its readers come through shared exits (Tor, VPN), so a
  network is nobody's identity there — no network restrictions, and rate
  limits per commenter and per thread instead of per network.
- ``public_times``: how precisely published views give times (day, hour,
  minute; the day by default), in the desk's time zone.
- ``redaction_days``: how long the original of a comment edited or rejected
  under a personal-information clause is kept, sealed (7 days by default).

A change of precision renders the site's published threads again
(:mod:`tribune.actions.site_safety`); a desk's time zone does the same for its
threads (``tribune.publishing.signals``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, NotFound
from tribune.core.timezones import zone_of

from .models import Desk, PublicTimes, Site
from .url_rules import origin_of

REDACTION_DAYS_MAX = 90


def site_find(*, ref: object) -> Site:
    """A site by its id or one of its origins; ``NotFound`` otherwise."""
    text = str(ref or "").strip()
    site = None
    if text.isdigit() and len(text) < 10:
        site = Site.objects.filter(pk=int(text)).first()
    elif text:
        site = Site.objects.filter(origins__origin=origin_of(text, field="site")).first()
    if site is None:
        raise NotFound(_("There is no site %(site)s.") % {"site": text[:200]}, field="site")
    return site


def site_safety_save(*, site: Site, shared_exits: bool | None = None,
                     public_times: object = None, redaction_days: object = None
                     ) -> tuple[Site, bool]:
    """Change what is given (None: unchanged): the saved site, and whether its
    public times changed (its renders must then be made again:
    :func:`tribune.actions.site_safety.site_safety_set` does)."""
    fields = []
    if shared_exits is not None:
        site.shared_exits = bool(shared_exits)
        fields.append("shared_exits")
    times_changed = False
    if public_times not in (None, ""):
        if public_times not in PublicTimes.values:
            raise InvalidInput(_("Public times are given to the day, the hour or the minute."),
                               field="public_times")
        times_changed = site.public_times != public_times
        site.public_times = str(public_times)
        fields.append("public_times")
    if redaction_days not in (None, ""):
        try:
            days = int(str(redaction_days))
        except ValueError:
            days = 0
        if not 1 <= days <= REDACTION_DAYS_MAX:
            raise InvalidInput(_("Removed personal information is kept 1 to %(max)s days.")
                               % {"max": REDACTION_DAYS_MAX}, field="redaction_days")
        site.redaction_days = days
        fields.append("redaction_days")
    if fields:
        site.save(update_fields=fields)
    return site, times_changed


def desk_time_zone_set(*, desk: Desk, time_zone: object) -> Desk:
    """Set the time zone in which the desk's published dates are given."""
    try:
        zone_of(time_zone)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="time_zone") from None
    desk.time_zone = str(time_zone)
    desk.save(update_fields=["time_zone"])  # re-renders its threads (publishing.signals)
    return desk
