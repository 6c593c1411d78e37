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


class OnionMiddleware:
    """Just outside Django's ``SecurityMiddleware`` (which stays in MIDDLEWARE,
    so ``check --deploy`` still checks HTTPS, HSTS and the rest): onion
    requests go past its redirect to HTTPS — its headers other than HSTS still
    apply — with the cookie names and flags that work over plain HTTP; other
    requests are untouched but for ``Onion-Location``."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Django wraps each middleware; the wrapper keeps it as __wrapped__.
        inner = getattr(get_response, "__wrapped__", get_response)
        self.security = inner if isinstance(inner, SecurityMiddleware) else None

    def __call__(self, request):
        if not request_is_onion(request):
            response = self.get_response(request)
            onion = settings.TRIBUNE_ONION_ORIGIN
            if onion and request.is_secure() and "Onion-Location" not in response:
                response["Onion-Location"] = onion.rstrip("/") + request.get_full_path()
            return response
        renamed = _plain_names()
        for secure_name, plain_name in renamed.items():
            if plain_name in request.COOKIES:
                request.COOKIES[secure_name] = request.COOKIES.pop(plain_name)
        if self.security is not None:
            # No redirect to HTTPS: Tor already encrypts end to end.
            response = self.security.process_response(
                request, self.security.get_response(request))
        else:
            response = self.get_response(request)
        if "Strict-Transport-Security" in response:
            del response["Strict-Transport-Security"]
        for name in list(response.cookies):
            morsel = response.cookies[name]
            morsel["secure"] = ""
            if name in renamed:
                del response.cookies[name]
                response.cookies[renamed[name]] = morsel.value
                plain = response.cookies[renamed[name]]
                for key, value in morsel.items():
                    plain[key] = value
        return response
