"""Network restrictions: holding back a network, explicitly and briefly.

A ban names a person (:mod:`tribune.moderation.bans`). When a flood comes from
one network faster than its commenters can be banned one by one, a desk editor
may restrict the network itself — the keyed hash of the network a commenter
wrote from — on a desk, for a few hours at most (``RESTRICTION_HOURS_MAX``).
Before confirming, the editor sees how many *other* commenters were seen from
that network in the window (``TRIBUNE_RESTRICTION_WINDOW_HOURS``, 24 by
default): on a Tor exit, a VPN or a carrier's NAT that number is the price.
A reader held back is told it concerns their network, not them.

A site whose readers come through shared exits (``Site.shared_exits``) has no
network restrictions at all: none can be made for its comments, and none is
applied to submissions under it. Its rate limits count per commenter and per
thread instead of per network (:func:`submission_rate_keys`).

Network hashes are the daily-keyed HMACs of :mod:`tribune.privacy`: a
restriction stops matching when the day's key is destroyed, whatever ``until``
says. Like bans, restrictions in force are remembered by each process until one
is made or lifted (stamp ``BANS``); inside a transaction (a submission on
PostgreSQL) they are read from the database, so every host obeys a new one at
once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tribune.comments.commenters import token_hash
from tribune.comments.models import Comment, Commenter
from tribune.core.errors import InvalidInput, NotFound, PermissionDenied
from tribune.core.ids import parse_id
from tribune.core.text import clean_text
from tribune.publishing.store import BANS, store
from tribune.sites.models import Desk

from .models import NetworkRestriction
from .permissions import can_ban_on_desk, moderator_desk_ids

REASON_MAX = 500
RESTRICTION_HOURS = (1, 3, 6, 12, 24)
RESTRICTION_HOURS_MAX = 24


def restriction_window() -> dt.timedelta:
    """How far back other commenters of a network are counted."""
    return dt.timedelta(hours=settings.TRIBUNE_RESTRICTION_WINDOW_HOURS)


@dataclass(frozen=True)
class NetworkSeen:
    """What a moderator is shown before restricting a commenter's network."""

    commenter: Commenter
    network_hashes: tuple[str, ...]
    others: int  # other commenters seen from those networks in the window
    window_hours: int
    desks: tuple[Desk, ...]  # where the actor may restrict it
    shared_exits: bool  # every comment naming it is under a shared-exits site


def network_seen(*, actor: AbstractBaseUser, commenter_id: object) -> NetworkSeen:
    """The networks the commenter wrote from in the window (as keyed hashes),
    and how many other commenters were seen from them. ``NotFound`` for a
    commenter the actor cannot see."""
    commenter_id = parse_id(commenter_id, field="commenter")
    visible = moderator_desk_ids(actor)
    now = timezone.now()
    window = restriction_window()
    comments = Comment.objects.filter(commenter_id=commenter_id)
    if visible is not None:
        comments = comments.filter(thread__desk_id__in=visible)
    commenter = Commenter.objects.filter(pk=commenter_id).first()
    if commenter is None or not comments.exists():
        raise NotFound(_("There is no commenter %(id)s.") % {"id": commenter_id})
    recent = comments.filter(submitted_at__gte=now - window).exclude(network_hash="")
    rows = list(recent.values_list("network_hash", "thread__desk_id", "thread__site__shared_exits"))
    hashes = tuple(sorted({h for h, _desk, _shared in rows}))
    others = 0
    if hashes:
        others = (Comment.objects.filter(network_hash__in=hashes,
                                         submitted_at__gte=now - window)
                  .exclude(commenter_id=commenter_id)
                  .values("commenter_id").distinct().count())
    desk_ids = {desk for _h, desk, _shared in rows}
    desks = tuple(d for d in Desk.objects.filter(pk__in=desk_ids)
                  if can_ban_on_desk(actor, d.pk))
    return NetworkSeen(
        commenter=commenter, network_hashes=hashes, others=others,
        window_hours=int(window.total_seconds() // 3600), desks=desks,
        shared_exits=bool(rows) and all(shared for _h, _desk, shared in rows),
    )


def network_restrict(
    *, actor: AbstractBaseUser, commenter_id: object, desk_code: object, hours: object,
    reason: object = "", others_seen: object = None,
) -> list[NetworkRestriction]:
    """Restrict, on one desk, the networks the commenter wrote from in the window,
    for ``hours`` (1 to 24). ``others_seen`` is the number the moderator was
    shown and confirmed: if more commenters have been seen since, the action
    is refused (``Conflict``-like ``InvalidInput``, code ``others_changed``) so
    the moderator confirms the new number. Desk editors and administrators
    only; never under a site whose readers come through shared exits."""
    seen = network_seen(actor=actor, commenter_id=commenter_id)
    desk = next((d for d in seen.desks if d.code == str(desk_code or "").lower()), None)
    if desk is None:
        if Desk.objects.filter(code=str(desk_code or "").lower()).exists():
            raise PermissionDenied(
                _("Only a desk editor or an administrator restricts networks on this desk."),
                field="desk")
        raise InvalidInput(_("Choose a desk this commenter wrote on today."), field="desk")
    if seen.shared_exits:
        raise PermissionDenied(
            _("This site's readers come through shared exits (Tor, VPN): a network is "
              "nobody's identity there, so it cannot be restricted. Ban the commenter "
              "instead."), code="shared_exits")
    if not seen.network_hashes:
        raise InvalidInput(
            _("This commenter has written from no known network in the last %(hours)s "
              "hours: there is nothing to restrict.") % {"hours": seen.window_hours},
            code="no_network")
    try:
        number = int(str(hours))
    except ValueError:
        number = 0
    if not 1 <= number <= RESTRICTION_HOURS_MAX:
        raise InvalidInput(_("A network restriction lasts 1 to %(max)s hours.")
                           % {"max": RESTRICTION_HOURS_MAX}, field="hours")
    if others_seen in (None, ""):
        raise InvalidInput(_("Confirm the number of other commenters this would hold back."),
                           field="others_seen", code="confirm_others")
    if str(others_seen) != str(seen.others):
        raise InvalidInput(
            _("%(count)s other commenters have now been seen from this network; check "
              "the number and confirm again.") % {"count": seen.others},
            field="others_seen", code="others_changed")
    clean_reason = ""
    if isinstance(reason, str) and reason.strip():
        clean_reason = clean_text(reason, field="reason", max_length=REASON_MAX,
                                  allow_newlines=True)
    now = timezone.now()
    with transaction.atomic():
        # One create() each, not bulk_create(): each save moves the BANS stamp, so
        # every process forgets the restrictions it remembered.
        return [NetworkRestriction.objects.create(
                    network_hash=h, desk=desk, commenter=seen.commenter,
                    until=now + dt.timedelta(hours=number), reason=clean_reason,
                    others_seen=seen.others, created_by=actor, created_at=now)
                for h in seen.network_hashes]


def network_restriction_lift(*, actor: AbstractBaseUser, restriction_id: object
                             ) -> NetworkRestriction:
    """Lift a network restriction early (the row is kept)."""
    restriction_id = parse_id(restriction_id, field="restriction")
    found = NetworkRestriction.objects.filter(pk=restriction_id, lifted_at__isnull=True).first()
    if found is None or not can_ban_on_desk(actor, found.desk_id):
        raise NotFound(_("There is no network restriction %(id)s in force.")
                       % {"id": restriction_id})
    found.lifted_at = timezone.now()
    found.lifted_by = actor
    # save() (not update()) so the BANS stamp moves and every process hears of it.
    found.save(update_fields=["lifted_at", "lifted_by"])
    return found


def restrictions_of_commenter(*, user: AbstractBaseUser, commenter_id: int
                              ) -> list[NetworkRestriction]:
    """The restrictions made from this commenter's networks, on desks the user sees."""
    rows = NetworkRestriction.objects.filter(commenter_id=commenter_id).select_related(
        "desk", "created_by", "lifted_by")
    desks = moderator_desk_ids(user)
    if desks is not None:
        rows = rows.filter(desk_id__in=desks)
    return list(rows)


def _in_force(now: dt.datetime, network_hash: str | None = None
              ) -> dict[str, list[tuple[int, dt.datetime]]]:
    rows = NetworkRestriction.objects.filter(lifted_at__isnull=True, until__gt=now)
    if network_hash is not None:
        rows = rows.filter(network_hash=network_hash)
    index: dict[str, list[tuple[int, dt.datetime]]] = {}
    for h, desk_id, until in rows.values_list("network_hash", "desk_id", "until"):
        index.setdefault(h, []).append((desk_id, until))
    return index


def network_restriction_refuse(*, network_hash: str, desk_id: int, shared_exits: bool) -> None:
    """Raise ``PermissionDenied`` (code ``network_restricted``) when the sender's
    network is restricted on this desk, saying it concerns the network."""
    if not network_hash or shared_exits:
        return

    now = timezone.now()
    renders = store()
    if renders.enabled and not connection.in_atomic_block:
        index = renders.remembered(BANS, "network_restrictions_in_force",
                                   lambda: _in_force(timezone.now()))
    else:
        index = _in_force(now, network_hash)
    untils = [until for desk, until in index.get(network_hash, ())
              if desk == desk_id and until > now]
    if not untils:
        return
    when = formats.date_format(timezone.localtime(max(untils)), "DATETIME_FORMAT")
    raise PermissionDenied(
        _("Comments from the network you are connected through are paused here until "
          "%(until)s (UTC), because of abuse sent from it. This is not about you: you "
          "have not been banned. You can try again later, or from another network.")
        % {"until": when}, code="network_restricted")


def submission_rate_keys(*, site, thread_url: str, commenter_token: str,
                         network_hash: str) -> dict[str, str]:
    """The identities a submission is rate-limited by (:mod:`tribune.abuse`): the
    commenter and the network; on a site whose readers come through shared
    exits, the commenter and the thread (a network is nobody's identity there)."""
    keys = {"commenter": token_hash(commenter_token) if commenter_token else ""}
    if site is not None and site.shared_exits:
        keys["thread"] = thread_url
    else:
        keys["network"] = network_hash
    return keys
