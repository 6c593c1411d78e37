"""Host names Tribune treats specially."""

from __future__ import annotations

from django.http.request import split_domain_port

ONION_SUFFIX = ".onion"


def is_onion_host(host: object) -> bool:
    """Whether ``host`` (a ``Host`` header, port allowed) names a Tor onion service."""
    domain, _port = split_domain_port(str(host or "").lower())
    return domain.endswith(ONION_SUFFIX) and len(domain) > len(ONION_SUFFIX)
