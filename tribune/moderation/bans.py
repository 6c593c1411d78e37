"""Bans and suspensions of pseudonymous commenters.

A ban names a commenter (their cookie's token, hashed) on one desk or on every
desk, permanently or until a time (a suspension). So that a fresh cookie does
not escape it, it also names the keyed network hashes the commenter wrote from
recently, for ``TRIBUNE_BAN_NETWORK_HOURS`` (24 by default). Those hashes are
the daily-keyed HMACs of :mod:`tribune.privacy`: no address is ever stored, and
a hash stops matching when the day's key is destroyed, whichever comes first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
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
from tribune.sites.models import Desk

from .models import Ban, BanNetwork
from .permissions import can_ban_on_desk, may_ban_everywhere, moderator_desk_ids

REASON_MAX = 500
SUSPENSION_DAYS_MAX = 3650


def network_window() -> dt.timedelta:
    return dt.timedelta(hours=settings.TRIBUNE_BAN_NETWORK_HOURS)


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
    now = timezone.now()
    with transaction.atomic():
        ban = Ban.objects.create(
            commenter=commenter, desk=desk, until=until, reason=clean_reason,
            created_by=actor, created_at=now,
        )
        hashes = set(
            Comment.objects.filter(commenter=commenter, submitted_at__gte=now - network_window())
            .exclude(network_hash="")
            .values_list("network_hash", flat=True)
        )
        network_until = now + network_window()
        if until is not None:
            network_until = min(network_until, until)
        BanNetwork.objects.bulk_create(
            BanNetwork(ban=ban, network_hash=h, until=network_until) for h in sorted(hashes)
        )
    return ban


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
    networks: tuple[tuple[str, dt.datetime], ...]

    def bars(self, *, token_hash: str, network_hash: str, desk_id: int,
             now: dt.datetime) -> bool:
        if self.desk_id is not None and self.desk_id != desk_id:
            return False
        if self.until is not None and self.until <= now:
            return False
        return bool(token_hash) and token_hash == self.token_hash or bool(network_hash) and any(
            h == network_hash and until > now for h, until in self.networks)


def _bans_in_force(where: Q | None = None) -> list[_BanInForce]:
    """The bans neither lifted nor over (narrowed by ``where``), with the network
    hashes they still name: two queries."""
    now = timezone.now()
    bans = Ban.objects.filter(_active(now))
    if where is not None:
        bans = bans.filter(where).distinct()
    rows = list(bans.values_list("pk", "commenter__token_hash", "desk_id", "until"))
    if not rows:  # most senders: no second query
        return []
    networks: dict[int, list[tuple[str, dt.datetime]]] = {}
    # A subquery, not a list of ids: however many bans are in force, no limit on
    # query parameters is reached.
    for ban_id, network_hash, until in BanNetwork.objects.filter(
            ban_id__in=bans.values("pk"), until__gt=now).values_list(
            "ban_id", "network_hash", "until"):
        networks.setdefault(ban_id, []).append((network_hash, until))
    return [_BanInForce(token_hash=h, desk_id=desk_id, until=until,
                        networks=tuple(networks.get(pk, ())))
            for pk, h, desk_id, until in rows]


class _BanIndex:
    """Every ban in force, by the commenter's token hash and by network hash."""

    def __init__(self, bans: list[_BanInForce]):
        self.by_token: dict[str, list[_BanInForce]] = {}
        self.by_network: dict[str, list[_BanInForce]] = {}
        for ban in bans:
            self.by_token.setdefault(ban.token_hash, []).append(ban)
            for network_hash, _until in ban.networks:
                self.by_network.setdefault(network_hash, []).append(ban)

    def candidates(self, *, token_hash: str, network_hash: str) -> list[_BanInForce]:
        return [*self.by_token.get(token_hash, ()), *self.by_network.get(network_hash, ())]


def ban_matching(
    *, commenter_token: str | None, network_hash: str, desk_id: int
) -> BanMatch | None:
    """The ban in force that bars this sender from this desk, if any (the one
    lasting longest), matched by commenter token or by recent network hash.

    Every submission asks, so the bans in force are kept in each process until
    one is made, lifted or deleted (stamp ``BANS`` of the render store); without
    a render store, or inside a transaction, the sender's own bans are read."""
    from tribune.publishing.store import BANS, store

    hashed = token_hash(commenter_token) if commenter_token else ""
    if not hashed and not network_hash:
        return None
    renders = store()
    # Inside a transaction (a submission on PostgreSQL) the sender's own bans are
    # read: remembered answers are not used there, and every ban is too many.
    if renders.enabled and not connection.in_atomic_block:
        index = renders.remembered(BANS, "bans_in_force", lambda: _BanIndex(_bans_in_force()))
        candidates = index.candidates(token_hash=hashed, network_hash=network_hash)
    else:
        where = Q()
        if hashed:
            where |= Q(commenter__token_hash=hashed)
        if network_hash:
            where |= Q(networks__network_hash=network_hash)
        candidates = _bans_in_force(where)
    now = timezone.now()
    bans = [ban.until for ban in candidates
            if ban.bars(token_hash=hashed, network_hash=network_hash, desk_id=desk_id, now=now)]
    if not bans:
        return None
    return BanMatch(until=None if None in bans else max(bans))


def senders_barred(*, senders: list[tuple[str, str, int]]) -> list[bool]:
    """For each sender (token hash, network hash, desk id), whether a ban in force
    bars them, read from the database (a batch of submissions asks inside its
    transaction): the bans of all of them in one query, one more when a ban
    names networks."""
    hashes = {hashed for hashed, _network, _desk in senders if hashed}
    networks = {network for _hashed, network, _desk in senders if network}
    if not hashes and not networks:
        return [False] * len(senders)
    candidates = _bans_in_force(Q(commenter__token_hash__in=hashes)
                                | Q(networks__network_hash__in=networks))
    now = timezone.now()
    return [any(ban.bars(token_hash=hashed, network_hash=network, desk_id=desk, now=now)
                for ban in candidates) for hashed, network, desk in senders]


def ban_refuse(*, commenter_token: str | None, network_hash: str, desk_id: int) -> None:
    """Raise ``PermissionDenied`` (code ``banned``) when a ban bars the sender,
    saying until when."""
    match = ban_matching(
        commenter_token=commenter_token, network_hash=network_hash, desk_id=desk_id
    )
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
