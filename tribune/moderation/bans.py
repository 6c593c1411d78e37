"""Bans and suspensions of pseudonymous commenters.

A ban names a commenter (their cookie's token, hashed) on one desk or on every
desk, permanently or until a time (a suspension). It names a person, never a
network: readers share exits (Tor, VPNs, carrier-grade NAT, office networks),
and one troll's ban must not silence, or accuse, everyone behind the same exit.
Holding back a network is a separate, explicit and short-lived moderator action
(:mod:`tribune.moderation.restrictions`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tribune.comments.commenters import token_hash
from tribune.comments.models import Comment, Commenter
from tribune.core.errors import InvalidInput, NotFound, PermissionDenied
from tribune.core.ids import parse_id
from tribune.core.text import clean_text
from tribune.publishing.store import BANS, store
from tribune.sites.models import Desk

from .models import Ban, NetworkRestriction
from .permissions import can_ban_on_desk, may_ban_everywhere, moderator_desk_ids
from .restrictions import network_restriction_refuse

REASON_MAX = 500
SUSPENSION_DAYS_MAX = 3650


def _active(now: dt.datetime) -> Q:
    return Q(lifted_at__isnull=True) & (Q(until__isnull=True) | Q(until__gt=now))


def ban_create(
    *, actor: AbstractBaseUser, commenter_id: object, desk_code: object = None,
    days: object = None, reason: object = "",
) -> Ban:
    """Ban a commenter (``days`` None: permanently; else a suspension of that many
    days) on one desk, or on every desk (``desk_code`` None; administrators only).

    Desk editors ban on their desks, administrators anywhere, an integration's
    ``moderation:write`` token on its desks (:mod:`tribune.moderation.permissions`);
    anyone else gets ``PermissionDenied``. A commenter the actor cannot see is ``NotFound``.
    """
    commenter_id = parse_id(commenter_id, field="commenter")
    visible = moderator_desk_ids(actor)
    commenter_comments = Comment.objects.filter(commenter_id=commenter_id)
    if visible is not None:
        commenter_comments = commenter_comments.filter(thread__desk_id__in=visible)
    commenter = Commenter.objects.filter(pk=commenter_id).first()
    if commenter is None or not commenter_comments.exists():
        raise NotFound(_("There is no commenter %(id)s.") % {"id": commenter_id})
    desk = None
    if desk_code not in (None, ""):
        desk = Desk.objects.filter(code=str(desk_code).lower()).first()
        if desk is None:
            raise InvalidInput(_("There is no desk %(codes)s.") % {"codes": desk_code},
                               field="desk")
    if desk is None and not may_ban_everywhere(actor):
        raise PermissionDenied(_("Only an administrator bans on every desk."), field="desk")
    if desk is not None and not can_ban_on_desk(actor, desk.pk):
        raise PermissionDenied(
            _("Only a desk editor or an administrator bans commenters on this desk."),
            field="desk",
        )
    until = None
    if days not in (None, ""):
        try:
            number = int(str(days))
        except ValueError:
            number = 0
        if not 1 <= number <= SUSPENSION_DAYS_MAX:
            raise InvalidInput(
                _("A suspension lasts 1 to %(max)s days.") % {"max": SUSPENSION_DAYS_MAX},
                field="days",
            )
        until = timezone.now() + dt.timedelta(days=number)
    clean_reason = ""
    if isinstance(reason, str) and reason.strip() or not isinstance(reason, str | None):
        clean_reason = clean_text(reason, field="reason", max_length=REASON_MAX,
                                  allow_newlines=True)
    with transaction.atomic():
        return Ban.objects.create(
            commenter=commenter, desk=desk, until=until, reason=clean_reason,
            created_by=actor, created_at=timezone.now(),
        )


def ban_lift(*, actor: AbstractBaseUser, ban_id: object) -> Ban:
    """Lift a ban early (the row is kept, with who lifted it and when)."""
    ban_id = parse_id(ban_id, field="ban")
    ban = Ban.objects.filter(pk=ban_id, lifted_at__isnull=True).first()
    if ban is None or (ban.desk_id is None and not may_ban_everywhere(actor)) or (
        ban.desk_id is not None and not can_ban_on_desk(actor, ban.desk_id)
    ):
        raise NotFound(_("There is no ban %(id)s in force.") % {"id": ban_id})
    ban.lifted_at = timezone.now()
    ban.lifted_by = actor
    ban.save(update_fields=["lifted_at", "lifted_by"])
    return ban


@dataclass(frozen=True)
class BanMatch:
    until: dt.datetime | None


@dataclass(frozen=True, slots=True)
class _BanInForce:
    token_hash: str
    desk_id: int | None
    until: dt.datetime | None

    def bars(self, *, token_hash: str, desk_id: int, now: dt.datetime) -> bool:
        if self.desk_id is not None and self.desk_id != desk_id:
            return False
        if self.until is not None and self.until <= now:
            return False
        return bool(token_hash) and token_hash == self.token_hash


def _bans_in_force(where: Q | None = None) -> list[_BanInForce]:
    """The bans neither lifted nor over (narrowed by ``where``): one query."""
    bans = Ban.objects.filter(_active(timezone.now()))
    if where is not None:
        bans = bans.filter(where)
    return [_BanInForce(token_hash=h, desk_id=desk_id, until=until)
            for h, desk_id, until in bans.values_list("commenter__token_hash", "desk_id", "until")]


class _BanIndex:
    """Every ban in force, by the commenter's token hash."""

    def __init__(self, bans: list[_BanInForce]):
        self.by_token: dict[str, list[_BanInForce]] = {}
        for ban in bans:
            self.by_token.setdefault(ban.token_hash, []).append(ban)

    def candidates(self, *, token_hash: str) -> list[_BanInForce]:
        return list(self.by_token.get(token_hash, ()))


def ban_matching(
    *, commenter_token: str | None, desk_id: int, network_hash: str = ""
) -> BanMatch | None:
    """The ban in force that bars this commenter from this desk, if any (the one
    lasting longest), matched by commenter token only: ``network_hash`` is
    accepted for older callers and never matched (a ban is of a person).

    Every submission asks, so the bans in force are kept in each process until
    one is made, lifted or deleted (stamp ``BANS`` of the render store); without
    a render store, or inside a transaction, the sender's own bans are read."""
    hashed = token_hash(commenter_token) if commenter_token else ""
    if not hashed:
        return None
    renders = store()
    # Inside a transaction (a submission on PostgreSQL) the sender's own bans are
    # read: remembered answers are not used there, and every ban is too many.
    if renders.enabled and not connection.in_atomic_block:
        index = renders.remembered(BANS, "bans_in_force", lambda: _BanIndex(_bans_in_force()))
        candidates = index.candidates(token_hash=hashed)
    else:
        candidates = _bans_in_force(Q(commenter__token_hash=hashed))
    now = timezone.now()
    bans = [ban.until for ban in candidates
            if ban.bars(token_hash=hashed, desk_id=desk_id, now=now)]
    if not bans:
        return None
    return BanMatch(until=None if None in bans else max(bans))


def senders_barred(*, senders: list[tuple[str, str, int, bool]]) -> list[bool]:
    """For each sender (token hash, network hash, desk id, whether the site's
    readers come through shared exits), whether a ban of the commenter or a
    moderator's restriction of their network bars them, read from the database
    (a batch of submissions asks inside its transaction): two queries, whatever
    the number of senders."""
    hashes = {hashed for hashed, _network, _desk, _shared in senders if hashed}
    networks = {network for _hashed, network, _desk, shared in senders
                if network and not shared}
    now = timezone.now()
    bans = list(_bans_in_force(Q(commenter__token_hash__in=hashes))) if hashes else []
    restricted = set()
    if networks:
        restricted = set(NetworkRestriction.objects.filter(
            lifted_at__isnull=True, until__gt=now, network_hash__in=networks,
        ).values_list("network_hash", "desk_id"))
    return [any(ban.bars(token_hash=hashed, desk_id=desk, now=now) for ban in bans)
            or (not shared and (network, desk) in restricted)
            for hashed, network, desk, shared in senders]


def ban_refuse(*, commenter_token: str | None, desk_id: int, network_hash: str = "") -> None:
    """Raise ``PermissionDenied`` (code ``banned``) when a ban bars the commenter,
    saying until when. Networks are not banned: see
    :func:`sender_refuse`."""
    match = ban_matching(commenter_token=commenter_token, desk_id=desk_id)
    if match is None:
        return
    if match.until is None:
        message = _("A moderator has barred you from commenting here.")
    else:
        when = formats.date_format(timezone.localtime(match.until), "DATETIME_FORMAT")
        message = _("A moderator has suspended you from commenting here until %(until)s "
                    "(UTC).") % {"until": when}
    raise PermissionDenied(message, code="banned")


def bans_of_commenter(*, user: AbstractBaseUser, commenter_id: int) -> list[Ban]:
    """The commenter's bans on the desks the user sees (and every-desk bans)."""
    bans = Ban.objects.filter(commenter_id=commenter_id).select_related(
        "desk", "created_by", "lifted_by"
    )
    desks = moderator_desk_ids(user)
    if desks is not None:
        bans = bans.filter(Q(desk__isnull=True) | Q(desk_id__in=desks))
    return list(bans)


def ban_in_force(ban: Ban) -> bool:
    now = timezone.now()
    return ban.lifted_at is None and (ban.until is None or ban.until > now)


def sender_refuse(*, commenter_token: str | None, network_hash: str, desk_id: int,
                  shared_exits: bool) -> None:
    """Everything that bars a sender from a desk, for the submission path: a ban
    of the commenter, then a moderator's restriction of their network (never on
    a site whose readers come through shared exits,
    :mod:`tribune.moderation.restrictions`)."""
    ban_refuse(commenter_token=commenter_token, desk_id=desk_id)
    network_restriction_refuse(network_hash=network_hash, desk_id=desk_id,
                               shared_exits=shared_exits)


# The checks of sender_refuse and senders_barred as one SQL condition, for the
# statement that writes a batch of comments (tribune.comments.services): true
# when neither a ban of the commenter nor a restriction of their network bars
# the job's sender. It must say what senders_barred says.
_SENDERS_ALLOWED_SQL = """NOT EXISTS (
      SELECT 1 FROM {ban} b JOIN {commenter} bc ON bc.id = b.commenter_id
      WHERE b.lifted_at IS NULL AND (b.until IS NULL OR b.until > %(now)s)
        AND (b.desk_id IS NULL OR b.desk_id = t.desk_id)
        AND bc.token_hash = job.token_hash)
    AND (job.network_hash = '' OR s.shared_exits OR NOT EXISTS (
      SELECT 1 FROM {restriction} r
      WHERE r.network_hash = job.network_hash AND r.desk_id = t.desk_id
        AND r.lifted_at IS NULL AND r.until > %(now)s))"""


class SenderBans:
    """Bans and network restrictions as the submission path asks them
    (:class:`tribune.comments.services.SenderBar`), registered in this app's
    ``ready``: comments, below moderation, does not import it."""

    def refuse(self, *, commenter_token: str, network_hash: str, desk_id: int,
               shared_exits: bool) -> None:
        sender_refuse(commenter_token=commenter_token, network_hash=network_hash,
                      desk_id=desk_id, shared_exits=shared_exits)

    def barred(self, *, senders: list[tuple[str, str, int, bool]]) -> list[bool]:
        return senders_barred(senders=senders)

    def sql_passes(self, quote_name) -> str:
        return _SENDERS_ALLOWED_SQL.format(
            ban=quote_name(Ban._meta.db_table), commenter=quote_name(Commenter._meta.db_table),
            restriction=quote_name(NetworkRestriction._meta.db_table))


SENDER_BANS = SenderBans()
