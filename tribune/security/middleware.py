"""Security headers on every answer Tribune gives.

Django's ``SecurityMiddleware`` already sends ``X-Content-Type-Options``,
``Referrer-Policy``, ``Cross-Origin-Opener-Policy`` and (in production) HSTS;
``XFrameOptionsMiddleware`` sends ``X-Frame-Options: DENY``. This adds a strict
Content-Security-Policy to every response that does not carry its own (the
reader's pages set one with ``frame-ancestors`` for their site's origins), and a
Permissions-Policy that turns off powerful features no Tribune page uses.

The policy allows no inline script, no inline style, no ``eval`` and nothing
from any other origin: an injected ``<script>``, ``onerror=`` or ``style=``
does nothing even if escaping ever failed.
"""

from __future__ import annotations

DEFAULT_CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    # The demo newspaper frames the reader's thread page from this same origin.
    "frame-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = DEFAULT_CSP
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
