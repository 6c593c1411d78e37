"""Login throttling that slows guessing without letting anyone lock a
moderator out for good.

Every failed attempt (wrong password, wrong code) is counted twice: against the
account (a SHA-256 of the user name folded to lower case) and against the
network it came from (the keyed, daily-rotated hash of
:func:`tribune.privacy.services.network_hash`). After ``FREE`` failures a key
must wait ``BASE * 2**(failures - FREE)`` seconds after its last failure before
it may try again, up to a cap (``ACCOUNT_CAP`` for an account, ``NETWORK_CAP``
for a network). A key with no failure for ``FORGET`` seconds starts afresh.

What the rules guarantee:

- A network's own delay is bounded: whoever waits out ``NETWORK_CAP`` gets an
  attempt, and an attempt refused while waiting is not counted, so waiting is
  never lengthened by retrying.
- The account's delay only applies to networks that have failed at least once
  (on any account) in the current window. A *fresh* network — the moderator at
  home, or on their phone's connection — is never held back by failures made
  elsewhere: with the right password (and code) it gets in at once. An attacker
  can make the account slow for the networks they fail from, not for others.
- The price: a distributed attacker gets ``1`` guess per account per fresh
  network and day before the account delay binds them. A 10-character minimum
  password and Django's list of common passwords make that too few to matter,
  and with a second factor a guess also needs the current six-digit code.

Why not django-axes (weighed for issue #13): its database handler stores each
attempt's client address in ``AccessAttempt.ip_address``, a
``GenericIPAddressField`` (``inet`` on PostgreSQL), and the user agent beside
it. ``AXES_CLIENT_IP_CALLABLE`` could hand it our keyed hash instead of the
address, but an HMAC is not an IP address and that column refuses it; its
cache handler keeps nothing in the database but needs a cache every process
shares, which Tribune must not require (Redis stays optional). Axes also locks
an account out for everyone, where this throttle spares fresh networks (above).
So the throttle stays ours: it stores only keyed hashes, in the database every
process already shares.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import LoginThrottle, ThrottleScope


def free_failures() -> int:
    return int(settings.TRIBUNE_LOGIN_FREE_FAILURES)


def base_delay() -> int:
    return int(settings.TRIBUNE_LOGIN_BASE_DELAY)


def cap(scope: str) -> int:
    if scope == ThrottleScope.ACCOUNT:
        return int(settings.TRIBUNE_LOGIN_ACCOUNT_MAX_DELAY)
    return int(settings.TRIBUNE_LOGIN_NETWORK_MAX_DELAY)


def forget_after() -> int:
    return int(settings.TRIBUNE_LOGIN_FORGET)


def account_key(username: str) -> str:
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()


def delay_for(scope: str, failures: int) -> int:
    """Seconds a key must wait after its last failure (0: may try now)."""
    over = failures - free_failures()
    if over <= 0:
        return 0
    # 2**over grows past any cap quickly; min() keeps the exponent small.
    return min(base_delay() * 2 ** min(over - 1, 40), cap(scope))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0
    scope: str = ""


def _state(scope: str, key: str, now: datetime) -> tuple[int, datetime | None]:
    row = LoginThrottle.objects.filter(scope=scope, key=key).first()
    if row is None or (now - row.last_failure_at).total_seconds() > forget_after():
        return 0, None
    return row.failures, row.last_failure_at


def _wait(scope: str, failures: int, last: datetime | None, now: datetime) -> int:
    if last is None:
        return 0
    until = last + timedelta(seconds=delay_for(scope, failures))
    remaining = (until - now).total_seconds()
    return max(0, int(remaining + 0.999))


# A request whose address cannot be read (a garbled X-Forwarded-For from behind a
# trusted proxy) shares one network key rather than escaping the throttle.
UNKNOWN_NETWORK = "unknown"


def check(*, username: str, network: str) -> Verdict:
    """May an attempt on ``username`` from ``network`` be checked now?"""
    network = network or UNKNOWN_NETWORK
    now = timezone.now()
    net_failures, net_last = _state(ThrottleScope.NETWORK, network, now)
    wait = _wait(ThrottleScope.NETWORK, net_failures, net_last, now)
    if wait:
        return Verdict(False, wait, ThrottleScope.NETWORK)
    if net_failures == 0:
        # A fresh network: failures made elsewhere do not hold it back.
        return Verdict(True)
    acc_failures, acc_last = _state(ThrottleScope.ACCOUNT, account_key(username), now)
    wait = _wait(ThrottleScope.ACCOUNT, acc_failures, acc_last, now)
    if wait:
        return Verdict(False, wait, ThrottleScope.ACCOUNT)
    return Verdict(True)


def _count(scope: str, key: str, now: datetime) -> None:
    with transaction.atomic():
        row = LoginThrottle.objects.select_for_update().filter(scope=scope, key=key).first()
        if row is None:
            LoginThrottle.objects.bulk_create(
                [LoginThrottle(scope=scope, key=key, failures=1, last_failure_at=now)],
                update_conflicts=True, unique_fields=["scope", "key"],
                update_fields=["failures", "last_failure_at"],
            )
        elif (now - row.last_failure_at).total_seconds() > forget_after():
            LoginThrottle.objects.filter(pk=row.pk).update(failures=1, last_failure_at=now)
        else:
            LoginThrottle.objects.filter(pk=row.pk).update(
                failures=F("failures") + 1, last_failure_at=now
            )


def record_failure(*, username: str, network: str) -> None:
    """Count a failed attempt against the account and the network."""
    now = timezone.now()
    _count(ThrottleScope.ACCOUNT, account_key(username), now)
    _count(ThrottleScope.NETWORK, network or UNKNOWN_NETWORK, now)


def record_success(*, username: str) -> None:
    """A full login clears the account's count (the network's keeps decaying)."""
    LoginThrottle.objects.filter(scope=ThrottleScope.ACCOUNT, key=account_key(username)).delete()
