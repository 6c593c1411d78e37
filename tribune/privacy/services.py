"""The one place where a client's network address is read.

A raw address is never stored or logged. It is reduced to its network (IPv4 /24,
IPv6 /48, so neighbours on one line share an identity and a host is not
singled out), then turned into an HMAC-SHA256 under a secret for the current
UTC day. Secrets older than ``TRIBUNE_NETWORK_KEY_DAYS`` are destroyed, after
which yesterday's hashes cannot be linked to today's, nor to an address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import NetworkKey

_KEY_CACHE: dict[dt.date, bytes] = {}


def _client_address(request: HttpRequest) -> str:
    peer = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.TRUSTED_PROXIES)
    if peer in trusted:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # Walk from the nearest hop back; the first untrusted hop is the client.
        for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
            if hop not in trusted:
                return hop
    return peer


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


def _key_for(day: dt.date) -> bytes:
    key = _KEY_CACHE.get(day)
    if key is not None:
        return key
    row = NetworkKey.objects.filter(day=day).first()
    if row is None:
        try:
            with transaction.atomic():
                row = NetworkKey.objects.create(day=day, secret=secrets.token_bytes(32))
        except IntegrityError:
            row = NetworkKey.objects.get(day=day)
        keep = day - dt.timedelta(days=settings.TRIBUNE_NETWORK_KEY_DAYS)
        NetworkKey.objects.filter(day__lt=keep).delete()
        _KEY_CACHE.clear()
    _KEY_CACHE[day] = bytes(row.secret)
    return _KEY_CACHE[day]


def network_hash_of(address: str) -> str:
    network = network_of(address)
    if not network:
        return ""
    key = _key_for(timezone.now().date())
    return hmac.new(key, network.encode(), hashlib.sha256).hexdigest()


def network_hash(request: HttpRequest) -> str:
    """A keyed hash of the request's network, stable for one UTC day."""
    return network_hash_of(_client_address(request))
