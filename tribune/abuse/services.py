"""Rate limits on what readers send (submissions, reports): never on reads.

A rule is "at most HITS in SECONDS" for one kind of key (``commenter``: the
reader's token; ``network``: the keyed hash of their network) within one scope
(``submit``, ``report``). Rules come from ``settings.TRIBUNE_RATE_LIMITS``:
``{scope: {kind: "HITS/SECONDS,HITS/SECONDS"}}`` (see ``tribune/settings.py`` for
the defaults and the environment variables that change them).

Counters are fixed windows kept in the database (one atomic upsert per rule, so
any number of processes agree), or in a shared cache when
``TRIBUNE_RATE_LIMIT_CACHE`` names one (e.g. Redis). Only the write path of a
submission or a report touches them: reading a thread never does, so a flood of
writes does not slow readers.

Callers::

    from tribune.abuse.services import ratelimit_check
    ratelimit_check(scope="report", keys={"commenter": token_hash, "network": net_hash})

raises :class:`RateLimited` (HTTP 429, with ``retry_after`` seconds) once any
rule is exceeded. Every call counts, refused ones included.
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tribune.core.errors import TribuneError

from .models import RateCounter

# One call in this many also deletes expired counters, so the table stays small
# even where `tribune purge` is not run.
_CLEANUP_ONE_IN = 200


class RateLimited(TribuneError):
    """Too many submissions or reports: try again in ``retry_after`` seconds."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None):
        super().__init__(message, field=field)
        self.retry_after = max(1, int(retry_after))


@dataclass(frozen=True)
class Rule:
    hits: int
    seconds: int


class BadRateSetting(ValueError):
    pass


@functools.lru_cache(maxsize=64)
def parse_rules(text: str) -> tuple[Rule, ...]:
    """``"10/60,60/3600"`` as rules; ``""`` means no limit."""
    rules = []
    for part in (p.strip() for p in str(text).split(",")):
        if not part:
            continue
        hits, _sep, seconds = part.partition("/")
        try:
            rule = Rule(hits=int(hits), seconds=int(seconds))
        except ValueError:
            raise BadRateSetting(f"rate limit {part!r} is not HITS/SECONDS") from None
        if rule.hits < 1 or rule.seconds < 1:
            raise BadRateSetting(f"rate limit {part!r} must have HITS and SECONDS >= 1")
        rules.append(rule)
    return tuple(rules)


def rules_for(scope: str, kind: str) -> tuple[Rule, ...]:
    return parse_rules(settings.TRIBUNE_RATE_LIMITS.get(scope, {}).get(kind, ""))


def _key_hash(scope: str, kind: str, identity: str) -> str:
    return hashlib.sha256(f"{scope}\0{kind}\0{identity}".encode()).hexdigest()


_UPSERT = (
    "INSERT INTO {table} (scope, key_hash, period, window_start, hits, expires_at) "
    "VALUES (%s, %s, %s, %s, 1, %s) "
    "ON CONFLICT (scope, key_hash, period, window_start) "
    "DO UPDATE SET hits = {table}.hits + 1 RETURNING hits"
)


def _hit_database(scope: str, key: str, rule: Rule, window: int) -> int:
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        # One statement: atomic on SQLite and PostgreSQL alike, whatever the
        # number of processes; it commits at once outside a transaction.
        cursor.execute(_UPSERT.format(table=table),
                       [scope, key, rule.seconds, window, window + rule.seconds])
        return int(cursor.fetchone()[0])


def _hit_cache(alias: str, scope: str, key: str, rule: Rule, window: int) -> int:
    cache = caches[alias]
    name = f"tribune:rate:{scope}:{rule.seconds}:{window}:{key}"
    if cache.add(name, 1, timeout=rule.seconds + 1):
        return 1
    try:
        return int(cache.incr(name))
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=rule.seconds + 1)
        return 1


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def _message(scope: str, wait: int) -> str:
    if scope == "report":
        text = _("You have sent many reports in a short time. Please try again in %(wait)s.")
    else:
        text = _("You have sent many comments in a short time. Please try again in %(wait)s.")
    return text % {"wait": _wait_text(wait)}


def ratelimit_check(*, scope: str, keys: dict[str, str], now: float | None = None) -> None:
    """Count one attempt in ``scope`` for each identity in ``keys`` (kind →
    identity; empty identities are skipped) and raise :class:`RateLimited` if
    any rule is now exceeded, with the longest wait among them.

    The count is committed before this returns, so concurrent processes see it.
    """
    now = time.time() if now is None else now
    alias = settings.TRIBUNE_RATE_LIMIT_CACHE
    waits = []
    for kind, identity in keys.items():
        if not identity:
            continue
        key = _key_hash(scope, kind, identity)
        for rule in rules_for(scope, kind):
            window = int(now // rule.seconds) * rule.seconds
            if alias:
                hits = _hit_cache(alias, scope, key, rule, window)
            else:
                hits = _hit_database(scope, key, rule, window)
            if hits > rule.hits:
                waits.append(math.ceil(window + rule.seconds - now))
    if not alias and random.randrange(_CLEANUP_ONE_IN) == 0:
        ratelimit_expired_delete(now=now)
    if waits:
        wait = max(1, max(waits))
        raise RateLimited(_message(scope, wait), retry_after=wait)


def ratelimit_expired_delete(*, now: float | object | None = None) -> int:
    """Delete counters whose window has ended; returns how many."""
    if now is None:
        stamp = time.time()
    elif isinstance(now, int | float):
        stamp = float(now)
    else:
        stamp = now.timestamp()  # a datetime
    deleted, _ = RateCounter.objects.filter(expires_at__lte=int(stamp)).delete()
    return deleted

