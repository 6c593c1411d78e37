"""Serving Tribune as a Tor onion service beside the clear-web one.

An onion service is reached over plain HTTP, yet the connection is end-to-end
encrypted and authenticated by Tor itself (the address is the service's key).
So for requests whose host is a ``.onion`` name, and for those only:

- no redirect to HTTPS and no ``Strict-Transport-Security`` (there is no
  certificate to go to; HSTS over HTTP means nothing and would only confuse);
- cookies lose the ``Secure`` flag and the ``__Host-`` prefix (which requires
  ``Secure``), so sessions, CSRF and the reader's commenter cookie work over
  HTTP; each request's cookies are read back under the names Django expects;
- CSRF's origin check compares ``http://<onion host>`` with the request's
  ``Origin`` as it does for any plain-HTTP host, so the no-JS form works.

Every other host keeps the production rules. With ``TRIBUNE_ONION_ORIGIN``
set (e.g. ``http://<56 characters>.onion``), HTTPS answers of the clear-web
host carry ``Onion-Location`` naming the same path there, which Tor Browser
offers to its users; the publisher copies the same header onto their own
pages (``docs/security.md``, section 8).
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.security import SecurityMiddleware

from tribune.core.hosts import is_onion_host

HOST_PREFIX = "__Host-"


def request_is_onion(request) -> bool:
    # The raw header, not get_host(): a disallowed host is Django's to refuse later.
    return is_onion_host(request.META.get("HTTP_HOST", ""))


def _plain_names() -> dict[str, str]:
    """The cookies whose production names carry ``__Host-``, by their onion name."""
    names = {}
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        if name.startswith(HOST_PREFIX):
            names[name] = name.removeprefix(HOST_PREFIX)
    return names


class OnionSecurityMiddleware(SecurityMiddleware):
    """Django's ``SecurityMiddleware`` (HTTPS redirect, HSTS, nosniff, referrer
    and opener policies) with the onion exceptions above, and the cookie names
    and flags that work over an onion service's plain HTTP."""

    def process_request(self, request):
        if request_is_onion(request):
            for secure_name, plain_name in _plain_names().items():
                if plain_name in request.COOKIES:
                    request.COOKIES[secure_name] = request.COOKIES.pop(plain_name)
            return None  # no redirect to HTTPS: Tor already encrypts end to end
        return super().process_request(request)

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if request_is_onion(request):
            if "Strict-Transport-Security" in response:
                del response["Strict-Transport-Security"]
            renamed = _plain_names()
            for name in list(response.cookies):
                morsel = response.cookies[name]
                morsel["secure"] = ""
                if name in renamed:
                    del response.cookies[name]
                    response.cookies[renamed[name]] = morsel.value
                    plain = response.cookies[renamed[name]]
                    for key, value in morsel.items():
                        if key != "secure":
                            plain[key] = value
            return response
        onion = getattr(settings, "TRIBUNE_ONION_ORIGIN", "")
        if onion and request.is_secure() and "Onion-Location" not in response:
            response["Onion-Location"] = onion.rstrip("/") + request.get_full_path()
        return response
