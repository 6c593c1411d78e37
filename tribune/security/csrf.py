"""CSRF checking that lets reader pages send ``Referrer-Policy: no-referrer``.

Under ``no-referrer`` a browser posts a page's own form with ``Origin: null``
and no ``Referer``, and Django's check refuses it before looking at the token.
For views marked :func:`csrf_token_only` (the reader's forms) this middleware
accepts an absent or ``null`` origin and an absent referer, and still requires
the token: the form's masked token must match the CSRF cookie. That cookie is
``SameSite=Lax`` (so a cross-site page's post, sandboxed frames included, does
not carry it) and, in production, ``__Host-`` prefixed and HTTPS-only (so no
sibling subdomain or plain-HTTP attacker can plant a known value, the attack the
origin and referer checks guard against). Any other origin is still refused.
"""

from __future__ import annotations

from collections.abc import Callable

from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt


class TokenOnlyCsrfMiddleware(CsrfViewMiddleware):
    """Django's CSRF check without the origin and referer checks for a ``null``
    or absent origin; used only through :func:`csrf_token_only`."""

    def _origin_verified(self, request) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null":
            return True
        return super()._origin_verified(request)

    def _check_referer(self, request) -> None:
        if not request.META.get("HTTP_REFERER"):
            return
        super()._check_referer(request)


_token_only_protect = decorator_from_middleware(TokenOnlyCsrfMiddleware)


def csrf_token_only(view: Callable) -> Callable:
    """Check the view's posts by token alone (see the module docstring); Django's
    site-wide middleware, which stays installed for every other view, skips it."""
    return csrf_exempt(_token_only_protect(view))
