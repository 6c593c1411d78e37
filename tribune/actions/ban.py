"""Banning a commenter and lifting a ban, from the workspace or the API.

Effects: the ban row is written by :mod:`tribune.moderation.bans`; saving it
bumps the ``BANS`` stamp (tribune.publishing.signals) in the same transaction,
so after commit every process refuses the commenter's next submission.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from tribune.moderation.bans import ban_create, ban_lift
from tribune.moderation.models import Ban


def commenter_ban(
    *, actor: AbstractBaseUser, commenter_id: object, desk_code: object = None,
    days: object = None, reason: object = "",
) -> Ban:
    """Ban (``days`` None) or suspend a commenter on one desk or every desk;
    who may is :mod:`tribune.moderation.permissions`' to say."""
    return ban_create(actor=actor, commenter_id=commenter_id, desk_code=desk_code, days=days,
                      reason=reason)


def ban_end(*, actor: AbstractBaseUser, ban_id: object) -> Ban:
    """Lift a ban; the row stays, for the record."""
    return ban_lift(actor=actor, ban_id=ban_id)
