"""The one place where a client's network address is read, and the retention
policy that removes what Tribune no longer needs.

Network identity
    A raw address is never stored or logged. It is reduced to its network (IPv4
    /24, IPv6 /48, so neighbours on one line share an identity and a host is not
    singled out), then turned into an HMAC-SHA256 under a secret for the current
    UTC day (:class:`~tribune.privacy.models.NetworkKey`). Only the day's key is
    ever used to hash; keys older than ``TRIBUNE_NETWORK_KEY_DAYS`` days are
    destroyed (default 1: every key but today's), after which yesterday's hashes
    cannot be recomputed, so cannot be linked to today's nor to an address.

    Processes share nothing but the database: the day's key is created by
    whichever process needs it first (a unique day makes concurrent creators
    agree on one row) and each process keeps it in memory for that day only. A
    key is cached only once it is committed, so a rolled-back transaction can
    never leave two processes hashing with different keys. Keys are never put in
    the shared cache.

Client address
    ``REMOTE_ADDR``, unless the peer is a trusted proxy
    (``TRIBUNE_TRUSTED_PROXIES``: addresses or networks such as ``10.0.0.0/8``).
    Then ``X-Forwarded-For`` is walked from the nearest hop back and the first
    hop that is not a trusted proxy is the client, so a client cannot pose as
    another by sending its own header.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import ipaddress
import secrets
import threading

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import NetworkKey

_KEY_CACHE: dict[dt.date, bytes] = {}
_KEY_LOCK = threading.Lock()

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    networks = []
    for item in proxies:
        try:
            networks.append(ipaddress.ip_network(item.strip().strip("[]"), strict=False))
        except ValueError:
            continue  # a typo in the setting trusts nothing rather than everything
    return tuple(networks)


def _parse_hop(hop: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from a forwarded hop ("1.2.3.4", "1.2.3.4:5678", "[::1]:443")."""
    hop = hop.strip().strip('"')
    if hop.startswith("["):
        hop = hop[1:].split("]", 1)[0]
    elif hop.count(":") == 1:
        hop = hop.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(hop)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def _is_trusted(ip, networks: tuple[IPNetwork, ...]) -> bool:
    return ip is not None and any(ip.version == n.version and ip in n for n in networks)


def peer_is_trusted_proxy(peer: str) -> bool:
    """Whether the direct peer is one of ``TRIBUNE_TRUSTED_PROXIES``, whose
    ``X-Forwarded-*`` headers may be believed."""
    return _is_trusted(_parse_hop(peer), _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def _client_address(request: HttpRequest) -> str:
    peer = request.META.get("REMOTE_ADDR", "")
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _is_trusted(_parse_hop(peer), networks):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [part for part in forwarded.split(",") if part.strip()]
    # Walk from the nearest hop back; the first untrusted hop is the client.
    for hop in reversed(hops):
        ip = _parse_hop(hop)
        if ip is None:
            # Garbage a trusted proxy passed on: nothing before it can be believed.
            return ""
        if not _is_trusted(ip, networks):
            return str(ip)
    # Every hop is one of ours: the farthest is the client.
    return str(_parse_hop(hops[0])) if hops else peer


def network_of(address: str) -> str:
    """The network an address belongs to, as text ('' if not an address)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _keep_from(day: dt.date) -> dt.date:
    """The oldest day whose key is kept on ``day``."""
    return day - dt.timedelta(days=max(settings.TRIBUNE_NETWORK_KEY_DAYS, 1) - 1)


def network_keys_destroy(*, today: dt.date | None = None) -> int:
    """Delete every key older than the retention window; returns how many.

    Safe to run from any process at any time: it never touches today's key.
    """
    today = today or timezone.now().date()
    deleted, _ = NetworkKey.objects.filter(day__lt=_keep_from(today)).delete()
    with _KEY_LOCK:
        for day in [d for d in _KEY_CACHE if d != today]:
            del _KEY_CACHE[day]
    return deleted


def _remember(day: dt.date, secret: bytes) -> None:
    with _KEY_LOCK:
        # Only the day's key is ever held: yesterday's leaves this process's
        # memory as soon as today's is known.
        _KEY_CACHE.clear()
        _KEY_CACHE[day] = secret


def _key_for(day: dt.date) -> bytes:
    key = _KEY_CACHE.get(day)
    if key is not None:
        return key
    secret = NetworkKey.objects.filter(day=day).values_list("secret", flat=True).first()
    created = False
    if secret is None:
        try:
            with transaction.atomic():
                row = NetworkKey.objects.create(day=day, secret=secrets.token_bytes(32))
            secret, created = row.secret, True
        except IntegrityError:
            # Another process created the day's key first: use theirs.
            secret = NetworkKey.objects.values_list("secret", flat=True).get(day=day)
    secret = bytes(secret)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # The key may yet be rolled back with the caller's transaction; cache it
        # only if it survives, so no process ever hashes with a key others lack.
        transaction.on_commit(lambda: _remember(day, secret))
    else:
        _remember(day, secret)
    if created:
        network_keys_destroy(today=day)
    return secret


def network_hash_of(address: str) -> str:
    """The day's keyed hash of ``address``'s network ('' if not an address)."""
    network = network_of(address)
    if not network:
        return ""
    key = _key_for(timezone.now().date())
    return hmac.new(key, network.encode(), hashlib.sha256).hexdigest()


def network_hash(request: HttpRequest) -> str:
    """A keyed hash of the request's network, stable for one UTC day; '' when the
    request carries no usable address."""
    return network_hash_of(_client_address(request))
