"""URL rules: which article URLs belong to which site.

An article URL is normalised before it names a thread, so that
``https://News.example.org:443/a#top`` and ``https://news.example.org/a`` are one
thread, and tracking parameters do not split a discussion.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput

URL_MAX = 1000
URLS_KEPT = 4096
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING_PREFIXES = ("utm_",)
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TRACKING_NAMES = {"fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "igshid"}


def _ascii_host(host: str, field: str) -> str:
    """The host in lower-case ASCII (IDNA for international names), or a refusal:
    a host is an IP address or dot-separated labels of letters, digits and hyphens."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        ascii_host = ""
    if not ascii_host or len(ascii_host) > 253 or not all(
        _LABEL.fullmatch(label) for label in ascii_host.split(".")
    ):
        raise InvalidInput(_("The URL's host name is not valid."), field=field)
    return ascii_host


def _split(url: object, field: str):
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput(_("An article URL is required."), field=field, code="required")
    url = url.strip()
    if len(url) > URL_MAX:
        raise InvalidInput(
            _("The URL is longer than %(limit)d characters.") % {"limit": URL_MAX}, field=field
        )
    # Lone surrogates too: no database can store them (PostgreSQL refuses them).
    # Any space (Unicode's too: a no-break space would be stripped on the next
    # pass, making one URL name two threads), control character or surrogate.
    if any(ord(char) < 33 or ord(char) == 127 or char.isspace()
           or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp", "Zs") for char in url):
        raise InvalidInput(_("The URL contains spaces or control characters."), field=field)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput(_("This is not a valid URL."), field=field) from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InvalidInput(
            _("The URL must start with http:// or https:// and name a host."), field=field
        )
    if parts.username or parts.password:
        raise InvalidInput(_("The URL must not contain a user name or password."), field=field)
    host = _ascii_host(parts.hostname.rstrip("."), field)
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return scheme, netloc, parts


def _origin_of(url: object, field: str) -> str:
    scheme, netloc, _parts = _split(url, field)
    return f"{scheme}://{netloc}"


def _normalise_url(url: object, field: str) -> str:
    scheme, netloc, parts = _split(url, field)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(_TRACKING_PREFIXES) and key.lower() not in _TRACKING_NAMES
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


# Every read and every submission normalises its article's URL (and a widget's
# page asks about the same few URLs again and again): the answers are kept, for
# strings within the length limit. Refusals are not kept (raised each time, in
# the reader's language).
_origin_kept = lru_cache(maxsize=URLS_KEPT)(_origin_of)
_normalised_kept = lru_cache(maxsize=URLS_KEPT)(_normalise_url)


def origin_of(url: object, *, field: str = "url") -> str:
    """The normalised origin (``scheme://host[:port]``) of a URL or origin."""
    if type(url) is str and len(url) <= URL_MAX:
        return _origin_kept(url, field)
    return _origin_of(url, field)


def normalise_url(url: object, *, field: str = "url") -> str:
    """The canonical form of an article URL, which names its thread."""
    if type(url) is str and len(url) <= URL_MAX:
        return _normalised_kept(url, field)
    return _normalise_url(url, field)
